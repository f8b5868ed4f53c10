import { type Kysely, sql } from 'kysely';

/**
 * Member search by phone: the digits of the phone number (width-folded, hyphens gone) join the search text.
 * Same shape as memberSearchText(): the old text without its closing '|', the digits, then '|'.
 */
export const phoneSearchBackfill = sql`
  UPDATE members SET search_text = left(search_text, -1)
    || regexp_replace(translate(phone, '０１２３４５６７８９', '0123456789'), '[^0-9]', '', 'g') || '|'`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await phoneSearchBackfill.execute(db);

  // 郵送の認定更新申請書: the record says it was entered by the secretariat, when the paper form arrived, and who typed it.
  // fee_round: a renewal reverted to draft (差し戻し) and submitted again is billed under a new business key.
  await sql`
    ALTER TABLE applications
      ADD COLUMN channel     text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'paper')),
      ADD COLUMN received_on date,
      ADD COLUMN entered_by  integer,
      ADD COLUMN fee_round   integer NOT NULL DEFAULT 0,
      ADD CHECK (channel = 'web' OR received_on IS NOT NULL)`.execute(db);

  // The scan of the paper form is an application file too; a 在籍証明書 the secretariat asked to be replaced is kept, marked.
  await sql`ALTER TABLE application_files DROP CONSTRAINT application_files_kind_check`.execute(db);
  await sql`
    ALTER TABLE application_files
      ADD CONSTRAINT application_files_kind_check CHECK (kind IN ('enrollment_certificate', 'paper_form')),
      ADD COLUMN rejected_at     timestamptz,
      ADD COLUMN rejected_reason text`.execute(db);
}
