/**
 * Renders GenAI messages (`[{role, parts}]`) as plain text for the `prompt`
 * and `response` fields audit services index and search.
 */

/**
 * Text of the messages, one `role: text` line per message (without roles
 * when `withRoles` is false); non-text parts are summarised.
 *
 * @example
 * messagesToText([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }], true); // 'user: Hi'
 */
export function messagesToText(messages: unknown, withRoles: boolean): string | undefined {
  if (typeof messages === 'string') return messages;
  if (!Array.isArray(messages)) return undefined;
  const lines: string[] = [];
  for (const message of messages) {
    if (message === null || typeof message !== 'object') continue;
    const m = message as { role?: unknown; parts?: unknown; content?: unknown };
    const text = Array.isArray(m.parts) ? partsToText(m.parts) : typeof m.content === 'string' ? m.content : '';
    if (text === '') continue;
    lines.push(withRoles && typeof m.role === 'string' ? `${m.role}: ${text}` : text);
  }
  return lines.length > 0 ? lines.join('\n') : undefined;
}

function partsToText(parts: unknown[]): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (part === null || typeof part !== 'object') continue;
    const p = part as Record<string, unknown>;
    if (p.type === 'text' && typeof p.content === 'string') texts.push(p.content);
    else if (p.type === 'tool_call') texts.push(`[tool_call ${String(p.name ?? '')}]`);
    else if (p.type === 'tool_call_response') texts.push(`[tool_result ${stringify(p.response)}]`);
  }
  return texts.join(' ');
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
