import PDFDocument from 'pdfkit';
import type { ArchiveContent } from './archive-content.js';
import { archiveBlocks, archiveTitle } from './render-text.js';

const LABEL_WIDTH = 130;

/** The archive record as a printable A4 PDF (the same blocks as the HTML page). */
export function renderArchivePdf(record: ArchiveContent): Promise<Buffer> {
  const title = archiveTitle(record);
  const pdf = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title, Creator: 'Samplan' } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  pdf.font('Helvetica-Bold').fontSize(16).text(title, { width });
  pdf.font('Helvetica').fontSize(9).fillColor('#555').text(`Individuell plan. Archive record ${record.kind}, made ${record.archivedAt}. Confidential.`, { width });
  pdf.fillColor('#000');

  for (const block of archiveBlocks(record)) {
    pdf.moveDown(1);
    pdf.font('Helvetica-Bold').fontSize(12).text(block.heading, left, pdf.y, { width });
    pdf.moveDown(0.3);
    if (!block.items.length) {
      pdf.font('Helvetica-Oblique').fontSize(10).text(block.empty ?? '-', left, pdf.y, { width });
      continue;
    }
    for (const lines of block.items) {
      for (const [label, value] of lines) {
        // Label and value side by side; start a new page rather than split a short row.
        pdf.font('Helvetica').fontSize(10);
        const valueHeight = pdf.heightOfString(value, { width: width - LABEL_WIDTH });
        if (pdf.y + Math.min(valueHeight, 120) > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
        const top = pdf.y;
        const page = pdf.page;
        pdf.font('Helvetica-Bold').text(label, left, top, { width: LABEL_WIDTH - 8 });
        const afterLabel = pdf.y;
        pdf.font('Helvetica').text(value, left + LABEL_WIDTH, top, { width: width - LABEL_WIDTH });
        // A long value may have flowed onto a new page: then its end is where the row ends.
        if (pdf.page === page) pdf.y = Math.max(pdf.y, afterLabel);
      }
      pdf.moveDown(0.5);
    }
  }
  pdf.end();
  return done;
}
