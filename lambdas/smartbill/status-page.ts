import { MAX_UNLOCK_ATTEMPTS } from './gate.js';
import { documentHead } from './html.js';

/**
 * The plain pages a SmartBill link answers when it cannot show the bill: withdrawn by the payer,
 * locked after too many wrong amounts, expired, or not valid. Static HTML, no script, the same
 * words in AWS (the revoked page replaces the stored page; CloudFront's error responses serve the
 * others) and locally (the edge answers them), never a stack trace or an XML error.
 */

/** Why a link shows a status page instead of the bill. */
export type StatusPageReason = 'revoked' | 'locked' | 'expired' | 'invalid' | 'not-found';

const TEXT: Readonly<Record<StatusPageReason, { readonly title: string; readonly body: string }>> = {
  revoked: {
    title: 'This page was withdrawn',
    body: 'The payer has withdrawn this explanation of benefits page. If you still need it, ask the payer for a new link.',
  },
  locked: {
    title: 'This page is locked',
    body: `This page was locked after ${MAX_UNLOCK_ATTEMPTS} amounts that did not match the bill's total charge. Ask the payer for a new link.`,
  },
  expired: {
    title: 'This link has expired',
    body: 'SmartBill links work for a limited time. Ask the payer for a new link.',
  },
  invalid: {
    title: 'This link is not valid',
    body: 'The link may have been copied incompletely or has expired. Open it again from the message you received, or ask the payer for a new link.',
  },
  'not-found': {
    title: 'This page is not available yet',
    body: 'The page may still be being prepared: try again in a minute. If it still does not open, ask the payer for a new link.',
  },
};

/**
 * A status page.
 *
 * @param reason - why the bill cannot be shown
 * @returns a complete HTML document (no script, inline style only)
 */
export function statusPage(reason: StatusPageReason): string {
  const { title, body } = TEXT[reason];
  return `<!doctype html>
<html lang="en">
${documentHead(
  `SmartBill: ${title}`,
  'body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b}main{max-width:40rem;margin:0 auto;padding:1rem}h1{font-size:1.5rem}',
)}
<body>
<main>
<h1>${title}</h1>
<p>${body}</p>
</main>
</body>
</html>
`;
}
