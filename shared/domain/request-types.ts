/**
 * The kinds of data-subject request a member can make (policy clause 2: edit or delete by email;
 * account cancellation; clause 6: stop newsletters; PDPA access as the fallback). Every part of the
 * system (email intake, web form, staff tools, acknowledgement mails) uses exactly these values.
 */
export const REQUEST_TYPES = ['edit', 'delete', 'cancel_account', 'stop_marketing', 'access', 'other'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** Short names of each request for acknowledgement mails, which go out in both Thai and English. */
export const REQUEST_TYPE_LABELS: Record<RequestType, { th: string; en: string }> = {
  edit: { th: 'แก้ไขข้อมูลส่วนบุคคล', en: 'Correct personal data' },
  delete: { th: 'ลบข้อมูลส่วนบุคคล', en: 'Delete personal data' },
  cancel_account: { th: 'ยกเลิกบัญชีสมาชิก', en: 'Cancel membership account' },
  stop_marketing: { th: 'ยกเลิกการรับข่าวสารและโปรโมชั่น', en: 'Stop newsletters and promotions' },
  access: { th: 'ขอสำเนาข้อมูลส่วนบุคคล', en: 'Copy of personal data' },
  other: { th: 'คำถามหรือคำขออื่น ๆ', en: 'Other question or request' },
};

export function isRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && (REQUEST_TYPES as readonly string[]).includes(value);
}
