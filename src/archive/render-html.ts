import type { ArchiveContent } from './archive-content.js';
import { archiveBlocks, archiveNote, archiveTitle } from './render-text.js';

/** Every value in the page is plan content someone typed: escape all of it, attributes included. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
  body { font: 11pt/1.45 Georgia, 'Times New Roman', serif; color: #111; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
  h2 { font-size: 1.15rem; border-bottom: 1px solid #999; padding-bottom: 0.15rem; margin-top: 1.6rem; }
  .item { margin: 0.5rem 0; padding: 0.4rem 0.6rem; border-left: 3px solid #ccc; }
  dl { display: grid; grid-template-columns: 11rem 1fr; gap: 0.1rem 0.8rem; margin: 0; }
  dt { font-weight: bold; } dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .empty { color: #555; font-style: italic; }
  .note { color: #555; font-size: 0.9rem; }
  @media print {
    body { margin: 0; max-width: none; font-size: 10pt; }
    h2 { break-after: avoid; }
    .item { break-inside: avoid; }
    @page { margin: 18mm 16mm; }
  }`;

/** A complete, printable HTML page of an archive record. */
export function renderArchiveHtml(record: ArchiveContent): string {
  const title = escapeHtml(archiveTitle(record));
  const sections = archiveBlocks(record)
    .map((block) => {
      const items = block.items.length
        ? block.items
            .map((lines) => `<div class="item"><dl>${lines.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl></div>`)
            .join('\n')
        : `<p class="empty">${escapeHtml(block.empty ?? '—')}</p>`;
      return `<section><h2>${escapeHtml(block.heading)}</h2>\n${items}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${title}</h1>
<p class="note">${escapeHtml(archiveNote(record))}</p>
${sections}
</body>
</html>
`;
}
