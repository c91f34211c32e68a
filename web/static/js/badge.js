// Provenance badges: what kind of evidence a card is, as the server derives it from the
// card's provenance (roles.BadgeOf): a record, the regime's claim, propaganda, a
// composite of testimony, historians' estimate, advocacy figures or a memoir. Each kind
// has its own look (app.css, .prov-KIND) and its own message (prov.KIND).
import { h } from './dom.js';
import { t } from './i18n.js';

const KINDS = ['record', 'regimeClaim', 'propaganda', 'composite', 'estimate', 'advocacy', 'memoir'];

// kindOf is the card's badge; a card from an older server without one falls back to
// what the propaganda flag alone can say, never to "record" for everything else.
export function kindOf(card) {
  if (KINDS.includes(card.badge)) return card.badge;
  return card.propaganda ? 'propaganda' : 'estimate';
}

// provBadge draws the badge as a tag (span by default, p in the print pack).
export function provBadge(card, tag = 'span') {
  const kind = kindOf(card);
  return h(tag, { class: `prov prov-${kind}`, 'data-badge': kind }, t(`prov.${kind}`));
}
