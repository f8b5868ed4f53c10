import { type Actor, audit } from '../../platform/audit';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config';
import type { Db, Executor } from '../../platform/db/database';
import type { Invoice } from '../../platform/db/schema';
import { notFound, RuleViolation } from '../../platform/errors';
import { translator } from '../../platform/i18n';
import { fullName, type MembersService } from '../members/service';
import { renderReceiptPdf } from './receipt-pdf';
import { ReceiptRepository } from './receipt-repository';
import { BillingRepository } from './repository';

export interface ReceiptDocument {
  pdf: Buffer;
  receiptNo: string;
  controlNo: string;
  /** 2 and more: the document is marked 再発行. */
  downloadCount: number;
}

/**
 * 領収書 for paid invoices, in Japanese. The first download gives the receipt its number; every later
 * one counts, is audited and prints 「再発行」. The tax lines come from the fee type's tax category (a
 * setting), the issuer from the configuration. See docs/decisions/0009-receipts-and-tax.md.
 */
export class ReceiptsService {
  private billingRepo = new BillingRepository();
  private repo = new ReceiptRepository();

  constructor(private deps: { db: Db; clock: Clock; members: MembersService; issuer: Config['receipt']; compressPdf?: boolean }) {}

  /** The member's own invoice by 管理No; another member's is "not found". */
  receiptForMember(actor: Actor, memberId: number, controlNo: string): Promise<ReceiptDocument> {
    return this.issue(actor, (tx) => this.billingRepo.findForMember(tx, memberId, controlNo, true));
  }

  receiptForStaff(actor: Actor, invoiceId: number): Promise<ReceiptDocument> {
    return this.issue(actor, (tx) => this.billingRepo.findById(tx, invoiceId, true));
  }

  private issue(actor: Actor, load: (tx: Executor) => Promise<Invoice | undefined>): Promise<ReceiptDocument> {
    return this.deps.db.transaction().execute(async (tx) => {
      const invoice = await load(tx);
      if (!invoice) throw notFound('invoice');
      if (invoice.status !== 'paid' || !invoice.paid_on) throw new RuleViolation('billing.receiptNotPaid', {}, 'conflict');
      const fee = await this.billingRepo.feeType(tx, invoice.fee_type);
      if (!fee) throw notFound('fee type');
      const member = await this.deps.members.getByIdIn(tx, invoice.member_id);
      const now = this.deps.clock.now();
      const receipt = await this.repo.recordDownload(tx, invoice.id, now);
      const reissue = receipt.download_count > 1;
      await audit(tx, actor, {
        action: reissue ? 'receipt.reissued' : 'receipt.issued', subjectType: 'invoice', subjectId: invoice.control_no, memberId: invoice.member_id,
        after: { receiptNo: receipt.receipt_no, downloadCount: receipt.download_count, amount: invoice.amount, taxCategory: fee.tax_category },
      });
      const t = translator('ja');
      const label = invoice.fiscal_year ? `${invoice.fiscal_year}年度 ${fee.name_ja}` : fee.name_ja;
      // Rendered inside the transaction: if the document cannot be made, the download is not counted.
      const pdf = await renderReceiptPdf({
        receiptNo: receipt.receipt_no,
        issuedAt: receipt.issued_at,
        reissuedAt: reissue ? now : undefined,
        payerName: fullName(member),
        amount: invoice.amount,
        purpose: `${label}として`,
        controlNo: invoice.control_no,
        paidOn: invoice.paid_on,
        paidMethod: invoice.paid_method ? t(`billing.method.${invoice.paid_method as 'card'}`) : '—',
        lines: [{ label, amount: invoice.amount, category: fee.tax_category }],
        issuer: { name: this.deps.issuer.issuerName, address: this.deps.issuer.issuerAddress, registrationNumber: this.deps.issuer.registrationNumber },
        compress: this.deps.compressPdf,
      });
      return { pdf, receiptNo: receipt.receipt_no, controlNo: invoice.control_no, downloadCount: receipt.download_count };
    });
  }
}
