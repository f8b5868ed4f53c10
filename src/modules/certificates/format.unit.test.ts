import { describe, expect, it } from 'vitest';
import { formatCertificateNo, parseCertificateNo, validityOf } from './format';
import { LABEL_SHEET, labelPosition } from './labels-pdf';

describe('専門医証番号', () => {
  it('prints the serial with six digits at least and reads it back; anything else is no number', () => {
    expect(formatCertificateNo(1)).toBe('SC-000001');
    expect(formatCertificateNo(123456)).toBe('SC-123456');
    expect(formatCertificateNo(1234567)).toBe('SC-1234567');
    expect(parseCertificateNo('SC-000001')).toBe(1);
    expect(parseCertificateNo(formatCertificateNo(98765))).toBe(98765);
    for (const bad of ['SC-1', 'sc-000001', 'SC-000000', '000001', 'SC-00000a', 'SC-99999999999', ' SC-000001']) expect(parseCertificateNo(bad)).toBeUndefined();
  });
});

describe('validity shown when verifying', () => {
  const c = { period_start: '2027-04-01', period_end: '2032-03-31' };
  it('is the stored status when void, else whether today is inside the period', () => {
    expect(validityOf({ ...c, status: 'active' }, '2027-03-15')).toBe('not_yet');
    expect(validityOf({ ...c, status: 'active' }, '2027-04-01')).toBe('valid');
    expect(validityOf({ ...c, status: 'active' }, '2032-03-31')).toBe('valid');
    expect(validityOf({ ...c, status: 'active' }, '2032-04-01')).toBe('expired');
    expect(validityOf({ ...c, status: 'revoked' }, '2028-01-01')).toBe('revoked');
    expect(validityOf({ ...c, status: 'superseded' }, '2028-01-01')).toBe('superseded');
    expect(validityOf({ ...c, status: 'withdrawn' }, '2028-01-01')).toBe('withdrawn');
  });
});

describe('宛名ラベル layout (A4, 12 labels)', () => {
  it('fills two columns row by row, six rows a sheet, every label inside the page', () => {
    expect(labelPosition(0)).toEqual({ page: 0, x: LABEL_SHEET.left, y: LABEL_SHEET.top });
    expect(labelPosition(1)).toEqual({ page: 0, x: LABEL_SHEET.left + LABEL_SHEET.labelWidth, y: LABEL_SHEET.top });
    expect(labelPosition(2)).toEqual({ page: 0, x: LABEL_SHEET.left, y: LABEL_SHEET.top + LABEL_SHEET.labelHeight });
    expect(labelPosition(11).page).toBe(0);
    expect(labelPosition(12)).toEqual({ page: 1, x: LABEL_SHEET.left, y: LABEL_SHEET.top });
    for (let i = 0; i < 12; i += 1) {
      const p = labelPosition(i);
      expect(p.x + LABEL_SHEET.labelWidth).toBeLessThanOrEqual(LABEL_SHEET.pageWidth + 0.01);
      expect(p.y + LABEL_SHEET.labelHeight).toBeLessThanOrEqual(LABEL_SHEET.pageHeight + 0.01);
    }
    // No two labels of a sheet overlap.
    const corners = new Set(Array.from({ length: 12 }, (_, i) => `${labelPosition(i).x.toFixed(1)},${labelPosition(i).y.toFixed(1)}`));
    expect(corners.size).toBe(12);
  });
});
