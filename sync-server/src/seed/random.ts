/** A small seeded PRNG (mulberry32) so demo data is the same on every machine. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    /** A uuid v4 drawn from this generator (stable ids across runs). */
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
      hex[12] = '4';
      hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
      const s = hex.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}

export type Random = ReturnType<typeof createRandom>;

export const FIRST_NAMES = [
  'Ava', 'Liam', 'Maya', 'Noah', 'Zoe', 'Ethan', 'Lena', 'Omar', 'Priya', 'Diego',
  'Hana', 'Lucas', 'Nora', 'Felix', 'Ines', 'Kofi', 'Sara', 'Tomas', 'Yuki', 'Amir',
] as const;
export const LAST_NAMES = [
  'Garcia', 'Nguyen', 'Smith', 'Okafor', 'Müller', 'Rossi', 'Kowalski', 'Haddad', 'Tanaka', 'Silva',
  'Johnson', 'Patel', 'Dubois', 'Andersen', 'Murphy', 'Cohen', 'Reyes', 'Ivanova', 'Brown', 'Kim',
] as const;
export const STREETS = [
  'Maple Ave', 'Oak St', 'Harbor Rd', 'Pine Ln', 'Cedar Ct', 'Elm St', 'Lakeview Dr', 'Mill Rd',
] as const;
export const CITIES = ['Springfield', 'Riverton', 'Lakeside', 'Fairview', 'Greenville'] as const;
export const COMPANY_WORDS = [
  'Summit', 'Harbor', 'Northwind', 'Bluebird', 'Ironwood', 'Crescent', 'Evergreen', 'Redstone',
  'Silverline', 'Brightway', 'Oakridge', 'Pioneer', 'Riverbend', 'Sunrise', 'Keystone',
] as const;
export const COMPANY_KINDS = [
  'Properties', 'Dental', 'Bakery', 'Holdings', 'Apartments', 'Cafe', 'Clinic', 'Realty', 'Gym',
] as const;
