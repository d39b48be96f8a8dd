import type { Resources } from './resources';

/**
 * The keys callers may ask for, derived from the English resources, so a misspelt or removed key fails
 * `tsc`: `'<namespace>:<dotted.path>'`, e.g. `'cards:error.fixLabel'`. Plural variants (`roleCount_one`,
 * `roleCount_other`) are one key without the suffix (`'common:roleCount'`), chosen by i18next from `count`.
 */
export type TranslationKey = {
  [N in keyof Resources & string]: `${N}:${LeafPath<Resources[N]>}`;
}[keyof Resources & string];

/**
 * Values interpolated into `{{name}}` placeholders; `count` also picks the plural form. i18next reads its
 * options from the same object, so the names it would take as options are not values.
 */
export type TranslationValues = Record<string, string | number> & { [K in I18nextOptionName]?: never };

type I18nextOptionName =
  | 'lng'
  | 'lngs'
  | 'ns'
  | 'context'
  | 'keyPrefix'
  | 'defaultValue'
  | 'replace'
  | 'returnObjects'
  | 'returnDetails'
  | 'joinArrays'
  | 'postProcess'
  | 'interpolation'
  | 'fallbackLng'
  | 'ordinal';

/** A translation function bound to one reader's language. */
export type Translate = (key: TranslationKey, values?: TranslationValues) => string;

type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';

type WithoutPlural<K extends string> = K extends `${infer Base}_${PluralSuffix}` ? Base : K;

type LeafPath<T> = {
  [K in keyof T & string]: T[K] extends string ? WithoutPlural<K> : `${K}.${LeafPath<T[K]>}`;
}[keyof T & string];
