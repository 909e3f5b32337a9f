/** Cookie categories of policy clause 3. `necessary` cannot be refused; the others are opt-in. */
export const CATEGORIES = ['necessary', 'analytics', 'marketing'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Choices = { necessary: true; analytics: boolean; marketing: boolean };

/** What each category is for, as shown in consent receipts (purposes of the Kantara receipt). */
export const PURPOSES: Record<Category, string> = {
  necessary: 'Run the shop: sign-in, basket, security (policy 3).',
  analytics: 'Record visits, pages, searches and time spent to improve the site (policy 1.1, 1.2).',
  marketing: 'Newsletters and promotions to the registered email (policy 6).',
};
