/**
 * The part of Electron's API the shell uses, for type-checking on machines where the optional
 * `electron` dependency did not install (its own `electron.d.ts` ships in that package). Where
 * Electron is installed, its declaration (`export = Electron.CrossProcessExports`) takes
 * precedence and this file is inert (tsconfig has skipLibCheck); it can then be deleted. Names
 * and signatures follow Electron 40's documentation.
 */
declare module 'electron' {
  type Listener = (...args: any[]) => void;

  export interface Rectangle {
    x: number;
    y: number;
    width: number;
    height: number;
  }

  export interface NativeImage {
    isEmpty(): boolean;
  }
  export const nativeImage: {
    createFromPath(path: string): NativeImage;
    createEmpty(): NativeImage;
  };

  export interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    experimentalFeatures?: boolean;
    webviewTag?: boolean;
    navigateOnDragDrop?: boolean;
    spellcheck?: boolean;
    devTools?: boolean;
  }

  export interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    show?: boolean;
    title?: string;
    icon?: string | NativeImage;
    autoHideMenuBar?: boolean;
    backgroundColor?: string;
    webPreferences?: WebPreferences;
  }

  export interface WebFrameMain {
    url: string;
    origin: string;
    top: WebFrameMain | null;
    parent: WebFrameMain | null;
  }

  export interface Session {
    setPermissionRequestHandler(handler: ((contents: WebContents, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  }

  export interface Event {
    preventDefault(): void;
  }

  export interface HandlerDetails {
    url: string;
  }

  export type WindowOpenHandlerResponse = { action: 'deny' } | { action: 'allow' };

  export interface WebContents {
    id: number;
    session: Session;
    send(channel: string, ...args: unknown[]): void;
    isDestroyed(): boolean;
    getURL(): string;
    isLoading(): boolean;
    getLastWebPreferences(): WebPreferences | null;
    once(event: 'did-finish-load', listener: () => void): this;
    on(event: 'will-navigate' | 'will-redirect', listener: (event: Event, url: string) => void): this;
    on(event: 'will-attach-webview', listener: (event: Event) => void): this;
    on(event: string, listener: Listener): this;
    setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  }

  export class BrowserWindow {
    static getAllWindows(): BrowserWindow[];
    constructor(options?: BrowserWindowConstructorOptions);
    webContents: WebContents;
    loadURL(url: string): Promise<void>;
    show(): void;
    hide(): void;
    focus(): void;
    restore(): void;
    isMinimized(): boolean;
    isVisible(): boolean;
    isDestroyed(): boolean;
    destroy(): void;
    on(event: 'close', listener: (event: Event) => void): this;
    on(event: string, listener: Listener): this;
    once(event: string, listener: Listener): this;
  }

  export interface MenuItemConstructorOptions {
    label?: string;
    type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
    enabled?: boolean;
    checked?: boolean;
    toolTip?: string;
    click?: () => void;
    submenu?: MenuItemConstructorOptions[];
  }

  export class Menu {
    static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
  }

  export class Tray {
    constructor(image: NativeImage | string);
    setImage(image: NativeImage | string): void;
    setToolTip(toolTip: string): void;
    setContextMenu(menu: Menu | null): void;
    popUpContextMenu(): void;
    on(event: 'click' | 'double-click' | 'right-click', listener: Listener): this;
    destroy(): void;
  }

  export interface IpcMainInvokeEvent {
    sender: WebContents;
    senderFrame: WebFrameMain | null;
  }
  export interface IpcMain {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: any[]) => unknown): void;
    removeHandler(channel: string): void;
    removeAllListeners(channel?: string): this;
  }
  export const ipcMain: IpcMain;

  export interface IpcRendererEvent {
    senderId: number;
  }
  export interface IpcRenderer {
    invoke(channel: string, ...args: unknown[]): Promise<any>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: any[]) => void): this;
    removeListener(channel: string, listener: Listener): this;
  }
  export const ipcRenderer: IpcRenderer;

  export const contextBridge: {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  };

  export const shell: {
    openExternal(url: string): Promise<void>;
    openPath(path: string): Promise<string>;
  };

  export interface MessageBoxOptions {
    type?: 'none' | 'info' | 'error' | 'question' | 'warning';
    buttons?: string[];
    defaultId?: number;
    cancelId?: number;
    title?: string;
    message: string;
    detail?: string;
    noLink?: boolean;
  }
  export const dialog: {
    showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>;
    showErrorBox(title: string, content: string): void;
  };

  export interface NotificationConstructorOptions {
    title?: string;
    body?: string;
    icon?: string | NativeImage;
    silent?: boolean;
  }
  export class Notification {
    static isSupported(): boolean;
    constructor(options?: NotificationConstructorOptions);
    show(): void;
    on(event: 'click', listener: () => void): this;
  }

  export const safeStorage: {
    isEncryptionAvailable(): boolean;
    encryptString(plainText: string): Buffer;
    decryptString(encrypted: Buffer): string;
  };

  export interface CustomScheme {
    scheme: string;
    privileges?: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; corsEnabled?: boolean; stream?: boolean };
  }
  export const protocol: {
    registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };

  export interface LoginItemSettings {
    openAtLogin: boolean;
  }
  export interface App {
    requestSingleInstanceLock(): boolean;
    quit(): void;
    exit(exitCode?: number): void;
    whenReady(): Promise<void>;
    getPath(name: 'userData' | 'logs' | 'appData' | 'temp'): string;
    getAppPath(): string;
    isPackaged: boolean;
    setAppUserModelId(id: string): void;
    getLoginItemSettings(options?: { path?: string; args?: string[] }): LoginItemSettings;
    setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; path?: string; args?: string[] }): void;
    on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: Listener): this;
    on(event: 'before-quit' | 'will-quit', listener: (event: Event) => void): this;
    on(event: 'web-contents-created', listener: (event: Event, contents: WebContents) => void): this;
  }
  export const app: App;
}
