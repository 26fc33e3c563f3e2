// Timezone names as people know them today. ICU (the Intl of Node 20 and 22, and of browsers) still reports the names
// IANA has renamed since (Europe/Kiev for Europe/Kyiv, Asia/Calcutta for Asia/Kolkata): every name it gives is
// mapped to the current one here, and the current names are what Paperboy stores, lists and shows. Pure.

/** IANA's renames that ICU still reports by the old name (IANA's `backward` file; spelling changes and moves into a
 *  country folder, not the merges of zones that differ only before 1970). Both names work in Intl. */
export const RENAMED_ZONES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** The current name of a zone name as ICU canonicalises it (itself when it was not renamed). */
export function currentZoneName(icuName: string): string {
  return RENAMED_ZONES[icuName] ?? icuName;
}

/** The canonical, current spelling of a timezone name (`europe/paris` → `Europe/Paris`, `utc` → `UTC`, the old
 *  `Asia/Calcutta` → `Asia/Kolkata`), or null when unknown. */
export function canonicalTimezone(tz: string): string | null {
  try {
    return currentZoneName(new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone);
  } catch {
    return null;
  }
}
