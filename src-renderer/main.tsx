/** Entry point: creates the client (reading the token before routing starts) and mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api-client.ts';
import { App } from './app.tsx';
import { ClientContext } from './client-context.tsx';
import { applyTheme, loadTheme } from './theme.ts';

const client = createClient();
applyTheme(loadTheme());
const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <ClientContext.Provider value={client}>
      <App />
    </ClientContext.Provider>
  </StrictMode>,
);
