import type { Executor } from './db/database';

/** Small named values kept in the database (keys, society settings). */
export async function getSetting<T>(db: Executor, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value as T | undefined;
}

/** Stores `value` unless the key exists, and returns what is stored: safe when two instances race. */
export async function ensureSetting<T>(db: Executor, key: string, value: T): Promise<T> {
  await db.insertInto('settings').values({ key, value: JSON.stringify(value) }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return (await getSetting<T>(db, key)) as T;
}

export async function putSetting<T>(db: Executor, key: string, value: T): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: json })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: new Date() }))
    .execute();
}
