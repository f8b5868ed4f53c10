import QRCode from 'qrcode';
import { dateOnly, formatDateJa } from '../../platform/japanese';
import { PDF_BOLD as BOLD, PDF_REGULAR as REGULAR, startPdf } from '../../platform/pdf-fonts';

/**
 * 専門医証 as an A4 landscape PDF, in Japanese (the certificate is a Japanese document whatever the
 * reader's language): society, title, number, name, specialty, the new period in 西暦 and 和暦, issue
 * date, and a QR code to the public verification page. The caller decides every value.
 */

export interface CertificatePdfInput {
  certificateNo: string;
  holderName: string;
  specialty: string;
  periodStart: string;
  periodEnd: string;
  issuedAt: Date;
  societyName: string;
  verifyUrl: string;
  /** Printed as a mark on a copy staff download of a certificate no longer valid (取消 / 再発行済 / 辞退). */
  voidMark?: string;
  compress?: boolean;
}

const INK = '#1a1a1a';
const MUTED = '#595959';
const FRAME = '#8a6d3b';
const MARK = '#b3261e';

export async function renderCertificatePdf(input: CertificatePdfInput): Promise<Buffer> {
  const title = '専門医証';
  const qr = await QRCode.toBuffer(input.verifyUrl, { errorCorrectionLevel: 'M', margin: 1, width: 360 });
  const { doc, done } = startPdf({
    size: 'A4', layout: 'landscape', margin: 0, compress: input.compress ?? true, lang: 'ja-JP', displayTitle: true,
    info: { Title: `${title} ${input.certificateNo}`, Author: input.societyName, Subject: title, CreationDate: input.issuedAt, ModDate: input.issuedAt },
  });
  const W = doc.page.width;
  const H = doc.page.height;
  const M = 48;
  const inner = W - 2 * M - 40;
  const left = M + 20;

  doc.rect(M - 18, M - 18, W - 2 * (M - 18), H - 2 * (M - 18)).lineWidth(3).strokeColor(FRAME).stroke();
  doc.rect(M - 10, M - 10, W - 2 * (M - 10), H - 2 * (M - 10)).lineWidth(0.75).strokeColor(FRAME).stroke();

  doc.font(REGULAR).fontSize(10).fillColor(INK).text(`専門医証番号　${input.certificateNo}`, left, M + 6, { width: inner, align: 'right' });
  doc.font(BOLD).fontSize(40).fillColor(INK).text(title, left, M + 40, { width: inner, align: 'center', characterSpacing: 18 });

  let y = M + 128;
  doc.font(BOLD).fontSize(24).text(`${input.holderName}　殿`, left, y, { width: inner, align: 'center' });
  y = doc.y + 22;
  const row = (label: string, value: string) => {
    doc.font(REGULAR).fontSize(12).fillColor(MUTED).text(label, left + 110, y, { width: 120 });
    doc.font(BOLD).fontSize(13).fillColor(INK).text(value, left + 230, y, { width: inner - 330 });
    y = doc.y + 8;
  };
  row('専門医の種類', input.specialty);
  row('認定期間', `${formatDateJa(dateOnly(input.periodStart))} から`);
  row('', `${formatDateJa(dateOnly(input.periodEnd))} まで`);
  y += 10;
  doc.font(REGULAR).fontSize(13).fillColor(INK)
    .text(`あなたは${input.societyName}の定める資格を有する${input.specialty}であることを認定します。`, left + 60, y, { width: inner - 120, align: 'center' });

  const bottom = H - M - 24;
  doc.font(REGULAR).fontSize(12).fillColor(INK).text(`発行日　${formatDateJa(input.issuedAt)}`, left + 110, bottom - 70, { width: 320 });
  doc.font(BOLD).fontSize(18).text(input.societyName, left + 110, bottom - 40, { width: 360 });

  const qrSize = 96;
  const qrX = left + inner - qrSize - 10;
  const qrY = bottom - qrSize - 14;
  doc.image(qr, qrX, qrY, { width: qrSize, height: qrSize });
  doc.font(REGULAR).fontSize(7.5).fillColor(MUTED).text('この専門医証の有効性は QR コードから確認できます', qrX - 70, qrY + qrSize + 3, { width: qrSize + 80, align: 'right' });

  if (input.voidMark) {
    doc.rotate(-18, { origin: [W / 2, H / 2] });
    doc.rect(W / 2 - 170, H / 2 - 40, 340, 80).lineWidth(4).strokeColor(MARK).stroke();
    doc.font(BOLD).fontSize(40).fillColor(MARK).text(input.voidMark, W / 2 - 170, H / 2 - 26, { width: 340, align: 'center' });
    doc.rotate(18, { origin: [W / 2, H / 2] });
  }

  doc.end();
  return done;
}
