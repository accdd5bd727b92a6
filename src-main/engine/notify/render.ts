/**
 * A notification as an email's two parts (plain text for terminals and filters, HTML for mail
 * clients) and as the body of each webhook format. Formats:
 * - `json`: the message data (see NotificationMessage.data), posted as is.
 * - `slack`: an incoming-webhook message, `{ text, blocks }` (Block Kit: a header, the facts as
 *   fields, the error and the output as mrkdwn sections); `text` is the notification fallback.
 * - `teams`: a Teams Workflows ("Post to a channel when a webhook request is received") /
 *   incoming-webhook message: `{ type: 'message', attachments: [{ contentType:
 *   'application/vnd.microsoft.card.adaptive', content: AdaptiveCard 1.4 }] }` with a title, a
 *   FactSet and monospace blocks for the error and output. Office 365 connector MessageCards are
 *   being retired by Microsoft, so they are not produced.
 */
import type { WebhookSettings } from '../config/settings-schema.ts';
import type { NotificationMessage } from './message.ts';

/** The plain-text part. */
export function renderText(message: NotificationMessage): string {
  const width = Math.max(...message.facts.map(([label]) => label.length)) + 2;
  const lines = [message.subject, '', ...message.facts.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`)];
  if (message.error) lines.push('', 'Error:', message.error);
  for (const note of message.notes) lines.push('', note);
  for (const { stream, text } of message.output) lines.push('', `----- ${stream} (last lines) -----`, text);
  return `${lines.join('\n')}\n`;
}

const TONE_COLOUR: Record<NotificationMessage['tone'], string> = { bad: '#c62828', good: '#2e7d32', warn: '#ef6c00', info: '#1565c0' };

/** The HTML part: the same content, escaped, in a simple table that mail clients render alike. */
export function renderHtml(message: NotificationMessage): string {
  const rows = message.facts
    .map(([label, value]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  const pre = (text: string) => `<pre style="background:#f5f5f5;padding:8px;white-space:pre-wrap">${escapeHtml(text)}</pre>`;
  const parts = [
    `<h2 style="color:${TONE_COLOUR[message.tone]};font-family:sans-serif">${escapeHtml(message.subject)}</h2>`,
    `<table style="font-family:sans-serif;font-size:14px">${rows}</table>`,
  ];
  if (message.error) parts.push('<h3 style="font-family:sans-serif">Error</h3>', pre(message.error));
  for (const note of message.notes) parts.push(`<p style="font-family:sans-serif">${escapeHtml(note)}</p>`);
  for (const { stream, text } of message.output) parts.push(`<h3 style="font-family:sans-serif">${stream} (last lines)</h3>`, pre(text));
  return `<!DOCTYPE html><html><body>${parts.join('\n')}</body></html>`;
}

/** The JSON body posted to a webhook of `format`. */
export function webhookPayload(format: WebhookSettings['format'], message: NotificationMessage): unknown {
  if (format === 'slack') return slackPayload(message);
  if (format === 'teams') return teamsPayload(message);
  return message.data;
}

const SLACK_TEXT_MAX = 2900;

function slackPayload(message: NotificationMessage) {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(message.subject, 150), emoji: false } },
    {
      type: 'section',
      fields: message.facts.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: `*${escapeSlack(label)}*\n${escapeSlack(value)}` })),
    },
  ];
  if (message.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`*Error*\n${escapeSlack(message.error)}`, SLACK_TEXT_MAX) } });
  for (const note of message.notes) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(note) }] });
  for (const { stream, text } of message.output) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${stream}*\n\`\`\`${cutStart(escapeSlack(text), SLACK_TEXT_MAX)}\`\`\`` } });
  }
  return { text: message.subject, blocks };
}

const TEAMS_COLOUR: Record<NotificationMessage['tone'], string> = { bad: 'Attention', good: 'Good', warn: 'Warning', info: 'Accent' };

function teamsPayload(message: NotificationMessage) {
  const body: unknown[] = [
    { type: 'TextBlock', text: message.subject, weight: 'Bolder', size: 'Medium', color: TEAMS_COLOUR[message.tone], wrap: true },
    { type: 'FactSet', facts: message.facts.map(([title, value]) => ({ title, value })) },
  ];
  if (message.error) {
    body.push({ type: 'TextBlock', text: 'Error', weight: 'Bolder', wrap: true });
    body.push({ type: 'TextBlock', text: message.error, fontType: 'Monospace', wrap: true });
  }
  for (const note of message.notes) body.push({ type: 'TextBlock', text: note, isSubtle: true, wrap: true });
  for (const { stream, text } of message.output) {
    body.push({ type: 'TextBlock', text: stream, weight: 'Bolder', wrap: true });
    body.push({ type: 'TextBlock', text: cutStart(text, 8000), fontType: 'Monospace', wrap: true });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
        },
      },
    ],
  };
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Slack mrkdwn treats only &, < and > specially. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Keeps the end: for output, the last lines matter most. */
function cutStart(text: string, max: number): string {
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}
