/** The window layout: a labelled navigation and the page for the current route. */
import type { ReactNode } from 'react';
import { Dashboard } from './pages/dashboard.tsx';
import { ImportExport } from './pages/import-export.tsx';
import { RunDetail } from './pages/run-detail.tsx';
import { Runs } from './pages/runs.tsx';
import { ScheduleEditor } from './pages/schedule-editor.tsx';
import { Schedules } from './pages/schedules.tsx';
import { Settings } from './pages/settings.tsx';
import { href, useRoute } from './router.ts';

const NAV: [string, string][] = [
  ['dashboard', 'Dashboard'],
  ['schedules', 'Schedules'],
  ['runs', 'Runs'],
  ['import', 'Import / export'],
  ['settings', 'Settings'],
];

/** The whole window. */
export function App() {
  const route = useRoute();
  const section = route[0] ?? 'dashboard';
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">Batchlight</div>
        <ul>
          {NAV.map(([key, label]) => (
            <li key={key}>
              <a href={href(key)} aria-current={section === key ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" id="main">
        {page(route)}
      </main>
    </div>
  );
}

function page(route: string[]): ReactNode {
  const [section, id, more] = route;
  switch (section) {
    case 'schedules':
      if (id === 'new') return <ScheduleEditor key="new" />;
      if (id && more === 'edit') return <ScheduleEditor key={id} name={id} />;
      return <Schedules />;
    case 'runs':
      return id ? <RunDetail key={id} id={id} /> : <Runs />;
    case 'import':
      return <ImportExport />;
    case 'settings':
      return <Settings />;
    default:
      return <Dashboard />;
  }
}
