export type Unit = 'C' | 'F' | 'K';

export function convert(value: number, from: Unit, to: Unit): number {
  const celsius = from === 'C' ? value : from === 'F' ? ((value - 32) * 5) / 9 : value - 273.15;
  const out = to === 'C' ? celsius : to === 'F' ? (celsius * 9) / 5 + 32 : celsius + 273.15;
  return Math.round(out * 100) / 100;
}

export function isUnit(s: string | null): s is Unit {
  return s === 'C' || s === 'F' || s === 'K';
}
