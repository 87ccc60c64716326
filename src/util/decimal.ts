/** A plain decimal number as people write one: `13`, `-50`, `0.5`, `.5`. No spaces, no `0x10`, no `1e3`. */
const decimal = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * The number `text` writes in plain decimal, or undefined. `Number()` alone also takes `0x10`, `1e3`,
 * `" 13"` and `""` (as 0), which nobody types on purpose for a setting.
 */
export const parseDecimal = (text: string): number | undefined => (decimal.test(text) ? Number(text) : undefined);
