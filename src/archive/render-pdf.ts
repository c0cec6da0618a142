import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { osloClock } from '../shared/dates.js';
import type { ArchiveContent } from './archive-content.js';
import { archiveBlocks, archiveNote, archiveTitle, type Block } from './render-text.js';

const LABEL_WIDTH = 130;
const MARGIN = 50;
/** Room above and below the text for the running head and foot. */
const HEAD_ROOM = 72;
const BODY_SIZE = 10;

// Noto Sans covers Latin (Norwegian and every Sámi letter), Greek and Cyrillic; embedded, so the
// record reads the same on any machine and can be PDF/A.
const resolve = createRequire(import.meta.url).resolve;
const REGULAR = resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf');
const BOLD = resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf');
const ITALIC = resolve('@expo-google-fonts/noto-sans/400Regular_Italic/NotoSans_400Regular_Italic.ttf');

type Pdf = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

/** Noto Sans has no emoji: a character the font lacks prints as U+FFFD rather than as garbage. */
function printable(pdf: Pdf, text: string): string {
  const font = (pdf as unknown as { _font?: { font?: { hasGlyphForCodePoint(code: number): boolean } } })._font?.font;
  if (!font) return text;
  return Array.from(text, (char) => {
    const code = char.codePointAt(0)!;
    return code < 0x20 || code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f) || font.hasGlyphForCodePoint(code) ? char : '\uFFFD';
  }).join('').replace(/\u200d|[\ufe00-\ufe0f]/g, '');
}

const bottomOf = (pdf: Pdf) => pdf.page.height - pdf.page.margins.bottom;

/** The height a label/value row takes at the body size. */
function rowHeight(pdf: Pdf, width: number, [label, value]: [string, string]): number {
  pdf.font('bold').fontSize(BODY_SIZE);
  const labelHeight = pdf.heightOfString(printable(pdf, label), { width: LABEL_WIDTH - 8 });
  pdf.font('regular');
  return Math.max(labelHeight, pdf.heightOfString(printable(pdf, value), { width: width - LABEL_WIDTH }));
}

function drawRow(pdf: Pdf, parent: Struct, width: number, [label, value]: [string, string]): void {
  const left = pdf.page.margins.left;
  // A row that fits on a page is never split; a longer one starts where it is and flows on.
  const height = rowHeight(pdf, width, [label, value]);
  if (height < bottomOf(pdf) - pdf.page.margins.top && pdf.y + height > bottomOf(pdf)) pdf.addPage();
  parent.add(
    pdf.struct('P', {}, () => {
      const top = pdf.y;
      const page = pdf.page;
      pdf.font('bold').fontSize(BODY_SIZE).text(printable(pdf, label), left, top, { width: LABEL_WIDTH - 8 });
      const afterLabel = pdf.y;
      pdf.font('regular').text(printable(pdf, value), left + LABEL_WIDTH, top, { width: width - LABEL_WIDTH });
      // A long value may have flowed onto a new page: then its end is where the row ends.
      if (pdf.page === page) pdf.y = Math.max(pdf.y, afterLabel);
    }),
  );
}

function drawBlock(pdf: Pdf, root: Struct, width: number, block: Block): void {
  const left = pdf.page.margins.left;
  const section = pdf.struct('Sect');
  root.add(section);
  pdf.font('bold').fontSize(12);
  const headingHeight = pdf.heightOfString(printable(pdf, block.heading), { width }) + 14;
  const itemHeights = block.items.map((lines) => lines.reduce((sum, row) => sum + rowHeight(pdf, width, row), 0) + 6);
  // Keep the heading with its first item (or its first three rows, if that item is long).
  const first = block.items[0];
  const firstPart = first ? first.slice(0, 3).reduce((sum, row) => sum + rowHeight(pdf, width, row), 0) : BODY_SIZE * 1.5;
  const firstHeight = first && itemHeights[0]! < (bottomOf(pdf) - pdf.page.margins.top) / 2 ? itemHeights[0]! : firstPart;
  if (pdf.y + headingHeight + firstHeight > bottomOf(pdf)) pdf.addPage();
  else pdf.moveDown(0.8);
  section.add(pdf.struct('H2', {}, () => pdf.font('bold').fontSize(12).text(printable(pdf, block.heading), left, pdf.y, { width })));
  pdf.moveDown(0.3);
  if (!block.items.length) {
    section.add(pdf.struct('P', {}, () => pdf.font('italic').fontSize(BODY_SIZE).text(printable(pdf, block.empty ?? '—'), left, pdf.y, { width })));
  }
  block.items.forEach((lines, index) => {
    // A small item (less than half a page) is kept together on one page.
    const height = itemHeights[index]!;
    if (index > 0 && height < (bottomOf(pdf) - pdf.page.margins.top) / 2 && pdf.y + height > bottomOf(pdf)) pdf.addPage();
    const item = pdf.struct('Div');
    section.add(item);
    for (const row of lines) drawRow(pdf, item, width, row);
    item.end();
    pdf.moveDown(0.5);
  });
  section.end();
}

/** Running head (whose plan, which plan) and foot (date printed, "Side N av M") on every page, as artifacts. */
function drawPageFrames(pdf: Pdf, record: ArchiveContent, printedAt: Date): void {
  const range = pdf.bufferedPageRange();
  const identity = `Individuell plan for ${record.plan.owner.name} · ${record.plan.title}`;
  for (let index = range.start; index < range.start + range.count; index++) {
    pdf.switchToPage(index);
    const { left, right } = pdf.page.margins;
    const width = pdf.page.width - left - right;
    const bottom = pdf.page.margins.bottom;
    // Writing in the margin must not start a new page.
    pdf.page.margins.bottom = 0;
    pdf.markContent('Artifact', { type: 'Pagination' });
    pdf.font('regular').fontSize(8).fillColor('#444');
    // One line: a long name or title is cut with an ellipsis, never wrapped into the page.
    pdf.text(printable(pdf, identity), left, 28, { width: width - 220, height: 9, ellipsis: true });
    pdf.text(`Plan-ID ${record.plan.id}`, left + width - 210, 28, { width: 210, align: 'right', lineBreak: false });
    pdf.moveTo(left, 42).lineTo(left + width, 42).lineWidth(0.5).strokeColor('#999').stroke();
    const footY = pdf.page.height - 40;
    pdf.text(`Utskrevet ${osloClock(printedAt)} (norsk tid)`, left, footY, { width: width / 2, lineBreak: false });
    pdf.text(`Side ${index - range.start + 1} av ${range.count}`, left + width / 2, footY, { width: width / 2, align: 'right', lineBreak: false });
    pdf.endMarkedContent();
    pdf.fillColor('#000');
    pdf.page.margins.bottom = bottom;
  }
}

/**
 * The archive record as a printable A4 PDF (the same blocks as the HTML page): PDF/A-2b, tagged
 * (headings, paragraphs; running head and foot as artifacts), language nb-NO, Noto Sans embedded.
 */
export function renderArchivePdf(record: ArchiveContent, printedAt = new Date()): Promise<Buffer> {
  const title = archiveTitle(record);
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: HEAD_ROOM, bottom: HEAD_ROOM, left: MARGIN, right: MARGIN },
    bufferPages: true,
    pdfVersion: '1.7',
    subset: 'PDF/A-2b',
    tagged: true,
    lang: 'nb-NO',
    displayTitle: true,
    font: REGULAR,
    info: { Title: title, Author: 'Samplan', Subject: `Individuell plan for ${record.plan.owner.name}`, Creator: 'Samplan' },
  });
  pdf.registerFont('regular', REGULAR);
  pdf.registerFont('bold', BOLD);
  pdf.registerFont('italic', ITALIC);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const root = pdf.struct('Document');
  pdf.addStructure(root);
  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  root.add(pdf.struct('H1', {}, () => pdf.font('bold').fontSize(16).text(printable(pdf, title), left, pdf.y, { width })));
  root.add(pdf.struct('P', {}, () => pdf.font('regular').fontSize(9).fillColor('#444').text(printable(pdf, archiveNote(record)), { width })));
  pdf.fillColor('#000');
  for (const block of archiveBlocks(record)) drawBlock(pdf, root, width, block);
  root.end();
  drawPageFrames(pdf, record, printedAt);
  pdf.end();
  return done;
}
