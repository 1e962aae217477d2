import { ELLIPSIS, truncateText } from './truncate-text';

const isWellFormed = (text: string): boolean => Buffer.from(text, 'utf8').toString() === text;

describe('truncateText', () => {
  it('keeps text up to the limit as it is', () => {
    expect(truncateText('', 5)).toBe('');
    expect(truncateText('hello', 5)).toBe('hello');
  });

  it('cuts longer text to the limit, ending with an ellipsis', () => {
    expect(ELLIPSIS).toBe('\u2026');
    expect(truncateText('hello!', 5)).toBe('hell…');
    expect(truncateText('x'.repeat(3000), 2000)).toBe('x'.repeat(1999) + '…');
  });

  it('never splits a surrogate pair', () => {
    // Pairs start at even offsets: the last kept unit would be the high half of a pair.
    const cut = truncateText('😀'.repeat(1500), 2000);
    expect(cut).toBe('😀'.repeat(999) + '…');
    expect(cut.length).toBe(1999);
    expect(isWellFormed(cut)).toBe(true);
    // Shifted by one, the pair ends exactly at the cut and is kept whole.
    const shifted = truncateText('a' + '😀'.repeat(1500), 2000);
    expect(shifted).toBe('a' + '😀'.repeat(999) + '…');
    expect(shifted.length).toBe(2000);
    expect(isWellFormed(shifted)).toBe(true);
  });
});
