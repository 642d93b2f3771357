import { csvCell, toCsv } from '../../src/domain/csv';

describe('CSV export', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(['1', '2'])).toBe('1 2');
    expect(csvCell(3)).toBe('3');
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
  });

  it('neutralises formulas behind leading whitespace or control characters, and full-width formula signs (OWASP)', () => {
    expect(csvCell(' =1+1')).toBe("' =1+1");
    expect(csvCell('\n=1+1')).toBe('"\'\n=1+1"');
    expect(csvCell('\r\n+1')).toBe('"\'\r\n+1"');
    expect(csvCell('\u0000@SUM(A1)')).toBe("'\u0000@SUM(A1)");
    expect(csvCell('\u3000-1')).toBe("'\u3000-1");
    expect(csvCell('＝1+1')).toBe("'＝1+1");
    expect(csvCell('＋1')).toBe("'＋1");
    expect(csvCell('－1')).toBe("'－1");
    expect(csvCell('＠A1')).toBe("'＠A1");
    expect(csvCell('\nplain')).toBe('"\'\nplain"');
    // Text that only contains the signs later stays as it is.
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell(' plain')).toBe(' plain');
  });

  it('writes a header and CRLF-terminated rows', () => {
    expect(toCsv(['a', 'b'], [{ a: 1, b: 'x,y' }, { a: 2 }])).toBe('a,b\r\n1,"x,y"\r\n2,\r\n');
  });
});
