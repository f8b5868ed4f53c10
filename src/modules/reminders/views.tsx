import type { PageContext } from '../../platform/views/context';
import { Csrf } from '../../platform/views/forms';
import { OPTIONAL_TOPICS } from './rules';
import type { ReminderPreferences } from './service';

/**
 * 「お知らせメールの設定」 on 会員情報照会 (a related section, passed in by app.tsx): the optional reminders as
 * checkboxes, and the deadlines as a calendar file.
 */
export function ReminderSettings({ ctx, prefs }: { ctx: PageContext; prefs: ReminderPreferences }) {
  const t = ctx.t;
  return (
    <section class="card" aria-labelledby="reminders-h">
      <h3 id="reminders-h">{t('reminders.settingsTitle')}</h3>
      <p>{t('reminders.settingsLead')}</p>
      <form method="post" action="/profile/reminders">
        <Csrf ctx={ctx} />
        <fieldset class="field">
          <legend class="field__label">{t('reminders.settingsLegend')}</legend>
          {OPTIONAL_TOPICS.map((topic) => (
            <p key={topic}><label><input type="checkbox" name={topic} value="1" checked={prefs[topic]} /> {t(`reminders.topic.${topic}`)}</label></p>
          ))}
        </fieldset>
        <div class="actions"><button type="submit" class="button button--secondary">{t('reminders.save')}</button></div>
      </form>
      <p><a href="/profile/deadlines.ics" download>{t('reminders.icsLink')}</a></p>
      <p class="field__hint">{t('reminders.icsHint')}</p>
    </section>
  );
}
