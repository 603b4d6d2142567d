// Text folded so that two renderings of one text compare equal, letters and digits only.

/**
 * NFKC, lower case, no quotes of any kind, and no punctuation, symbols or white space at all. Bulletins glue
 * sentences ("drugs.The operation") and titles to text; pages set “curly” quotes, non-breaking spaces and
 * &nbsp;-padded dashes: all fold away.
 */
export function compactFold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{Z}\p{Cc}\s]+/gu, '');
}
