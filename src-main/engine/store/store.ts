/**
 * Opens a data folder: the database (migrated), the secret box, the redactor primed with every
 * stored secret, and the repositories. The engine and the CLI both start here.
 */
import { mkdirSync } from 'node:fs';
import { collectSecretValues, mapSecrets, SECRET_PLACEHOLDER } from '../config/secret-fields.ts';
import { createRedactor, type Redactor } from '../redact.ts';
import type { ScheduleSpec } from '../types.ts';
import { createConnectionsRepo, type ConnectionsRepo } from './connections-repo.ts';
import { dataPaths, resolveDataDir, type DataPaths } from './data-folder.ts';
import { openDatabase, type Database } from './db.ts';
import { createRunsRepo, type RunsRepo } from './runs-repo.ts';
import { createSchedulesRepo, type SchedulesRepo } from './schedules-repo.ts';
import { createSecretBox, isEncrypted, type SecretBox, type SecretBoxOptions } from './secrets.ts';
import { createSettingsRepo, type SettingsRepo } from './settings-repo.ts';

export interface Store {
  dataDir: string;
  paths: DataPaths;
  db: Database;
  box: SecretBox;
  redactor: Redactor;
  schedules: SchedulesRepo;
  runs: RunsRepo;
  connections: ConnectionsRepo;
  settings: SettingsRepo;
  /** Makes every secret in `spec` known to the redactor. */
  learnSecrets(spec: ScheduleSpec): void;
  close(): void;
}

/** Opens (creating if needed) the data folder `dataDir`. */
export function openStore(dataDir?: string, secretOptions?: SecretBoxOptions): Store {
  const dir = resolveDataDir(dataDir);
  const paths = dataPaths(dir);
  mkdirSync(paths.runs, { recursive: true });
  const db = openDatabase(paths.db);
  const box = createSecretBox(paths.key, secretOptions);
  const redactor = createRedactor();
  const seal = (value: string) => (value === SECRET_PLACEHOLDER || isEncrypted(value) ? value : box.encrypt(value));
  const open = (value: string) => {
    if (!isEncrypted(value)) return value;
    const plain = box.decrypt(value);
    redactor.add(plain);
    return plain;
  };
  const schedules = createSchedulesRepo(db, {
    seal: (spec) => mapSecrets(spec, seal),
    open: (spec) => mapSecrets(spec, open),
  });
  const runs = createRunsRepo(db, { encode: box.encrypt, decode: box.decrypt });
  const connections = createConnectionsRepo(db, seal, open);
  const settings = createSettingsRepo(db);
  const store: Store = {
    dataDir: dir,
    paths,
    db,
    box,
    redactor,
    schedules,
    runs,
    connections,
    settings,
    learnSecrets(spec) {
      for (const value of collectSecretValues(spec)) redactor.add(value);
    },
    close() {
      db.close();
    },
  };
  for (const schedule of schedules.list()) store.learnSecrets(schedule);
  connections.list();
  return store;
}
