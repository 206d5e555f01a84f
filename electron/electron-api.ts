// The part of Electron's API the desktop app uses, as structural types. The electron package
// is not a dependency: its install step downloads the binary from outside the npm registry
// (it cannot here), and its current releases want Node 22. So main.ts loads the module the
// Electron binary provides at run time, typed by these, and the tests hand in fakes.

export interface WebPreferencesLike {
  readonly preload: string;
  readonly contextIsolation: boolean;
  readonly sandbox: boolean;
  readonly nodeIntegration: boolean;
  readonly nodeIntegrationInWorker: boolean;
  readonly webSecurity: boolean;
  readonly allowRunningInsecureContent: boolean;
  readonly webviewTag: boolean;
  readonly spellcheck: boolean;
}

export interface BrowserWindowOptionsLike {
  readonly width: number;
  readonly height: number;
  readonly minWidth: number;
  readonly minHeight: number;
  readonly title: string;
  readonly backgroundColor: string;
  readonly show: boolean;
  readonly webPreferences: WebPreferencesLike;
}

export interface HeadersDetails {
  readonly url: string;
  readonly responseHeaders?: Record<string, string[]>;
}

export interface WebContentsLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: "deny" | "allow" }): void;
  on(event: "will-navigate", listener: (event: { preventDefault(): void }, url: string) => void): void;
  readonly session: {
    readonly webRequest: {
      onHeadersReceived(listener: (details: HeadersDetails, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void): void;
    };
    setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  };
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadFile(path: string): Promise<void>;
  once(event: "ready-to-show", listener: () => void): void;
  on(event: "closed", listener: () => void): void;
  show(): void;
}

export interface IpcMainEventLike {
  readonly sender: { readonly id: number };
}

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (event: IpcMainEventLike, ...args: unknown[]) => void): void;
}

export interface ElectronMainLike {
  readonly app: { readonly isPackaged: boolean; whenReady(): Promise<void>; on(event: "window-all-closed", listener: () => void): void; quit(): void };
  readonly BrowserWindow: new (options: BrowserWindowOptionsLike) => BrowserWindowLike;
  readonly ipcMain: IpcMainLike;
}

export interface ContextBridgeLike {
  exposeInMainWorld(key: string, api: object): void;
}

export interface IpcRendererLike {
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
}
