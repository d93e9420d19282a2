import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parseProperties, PropertiesError, readPropertiesFile, stringifyProperties } from './properties.js'

describe('parseProperties', () => {
  it("reads Kafka's sample server.properties shape", () => {
    const text = [
      '############################# Server Basics #############################',
      '',
      '# The id of the broker. This must be set to a unique integer for each broker.',
      'broker.id=0',
      '#listeners=PLAINTEXT://:9092',
      'listeners=PLAINTEXT://:9092',
      'advertised.listeners=PLAINTEXT://127.0.0.1:9092',
      'log.dirs=/tmp/x',
      '',
    ].join('\n')
    assert.deepEqual(parseProperties(text), {
      'broker.id': '0',
      listeners: 'PLAINTEXT://:9092',
      'advertised.listeners': 'PLAINTEXT://127.0.0.1:9092',
      'log.dirs': '/tmp/x',
    })
  })

  it('comments with # and !, also after leading whitespace; blank lines', () => {
    assert.deepEqual(parseProperties('# a\n! b\n   # c\n\t! d\n\n   \na=1\n'), { a: '1' })
  })

  it('separators: =, :, whitespace, and whitespace around them', () => {
    assert.deepEqual(parseProperties('a=1\nb:2\nc 3\nd = 4\ne\t:\t5\nf   =   6\n'), { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' })
  })

  it('only the first separator splits; the value may contain = and :', () => {
    assert.deepEqual(parseProperties('url=jdbc:x://h:1/db?a=b\nk:v=w\n'), { url: 'jdbc:x://h:1/db?a=b', k: 'v=w' })
  })

  it('whitespace then = or : is one separator; a second one belongs to the value', () => {
    assert.deepEqual(parseProperties('a = = b\nc  ::d\n'), { a: '= b', c: ':d' })
  })

  it('leading whitespace on lines is ignored; trailing whitespace in values is kept', () => {
    assert.deepEqual(parseProperties('   key=value  \n'), { key: 'value  ' })
  })

  it('a key alone has an empty value', () => {
    assert.deepEqual(parseProperties('lonely\nempty=\ncolon:\n'), { lonely: '', empty: '', colon: '' })
  })

  it('line continuation with a trailing backslash drops the next line leading whitespace', () => {
    const text = 'fruits = apple, banana, \\\n         pear, \\\n   cantaloupe\nnext=1\n'
    assert.deepEqual(parseProperties(text), { fruits: 'apple, banana, pear, cantaloupe', next: '1' })
  })

  it('an even number of trailing backslashes does not continue the line', () => {
    assert.deepEqual(parseProperties('path=c:\\\\\nnext=1\n'), { path: 'c:\\', next: '1' })
  })

  it('a continued line may start with # and is not a comment; a comment line never continues', () => {
    assert.deepEqual(parseProperties('a=x\\\n#y\n# comment \\\nb=2\n'), { a: 'x#y', b: '2' })
  })

  it('continuation at end of file', () => {
    assert.deepEqual(parseProperties('a=x\\'), { a: 'x' })
  })

  it('escapes: \\t \\n \\r \\f \\\\ \\uXXXX, and backslash before any other character', () => {
    assert.deepEqual(parseProperties('a=tab\\there\nb=line\\nbreak\nc=back\\\\slash\nd=\\u00e9t\\u00E9\ne=\\q\\#\\!\nf=\\r\\f\n'), {
      a: 'tab\there',
      b: 'line\nbreak',
      c: 'back\\slash',
      d: 'été',
      e: 'q#!',
      f: '\r\f',
    })
  })

  it('escaped separators and spaces in keys', () => {
    assert.deepEqual(parseProperties('a\\=b=c\nx\\:y:z\nmy\\ key = v\n'), { 'a=b': 'c', 'x:y': 'z', 'my key': 'v' })
  })

  it('malformed \\u escape is an error with the line', () => {
    assert.throws(() => parseProperties('ok=1\nbad=\\u12G4\n'), (e: unknown) => e instanceof PropertiesError && e.line === 2 && /Malformed \\uxxxx encoding/.test(e.message))
    assert.throws(() => parseProperties('bad=\\u12'), PropertiesError)
  })

  it('CRLF and CR line endings; a BOM is dropped', () => {
    assert.deepEqual(parseProperties('\uFEFFa=1\r\nb=2\rc=3'), { a: '1', b: '2', c: '3' })
  })

  it('a later duplicate wins', () => {
    assert.deepEqual(parseProperties('a=1\na=2\n'), { a: '2' })
  })

  it('keys such as __proto__ become own properties', () => {
    const props = parseProperties('__proto__=x\n')
    assert.equal(Object.getPrototypeOf(props), Object.prototype)
    assert.ok(Object.hasOwn(props, '__proto__'))
    assert.equal(props['__proto__'], 'x')
  })
})

describe('stringifyProperties', () => {
  it('writes key=value lines with comments', () => {
    assert.equal(stringifyProperties({ 'cluster.id': 'abc', 'node.id': '0', version: '0' }, { comments: ['Written by Brook'] }), '#Written by Brook\ncluster.id=abc\nnode.id=0\nversion=0\n')
  })

  it('escapes what the reader would misread, and round-trips', () => {
    const props = {
      'key with spaces': ' leading and trailing ',
      'a=b:c': 'x=y:z',
      '#hash': '!bang#',
      back: 'c:\\dir\\',
      multi: 'line1\nline2\ttab\r\f',
      unicode: 'été 日本 😀',
      empty: '',
    }
    const text = stringifyProperties(props)
    assert.match(text, /^key\\ with\\ spaces=\\ leading and trailing $/m)
    assert.match(text, /^unicode=\\u00E9t\\u00E9 \\u65E5\\u672C \\uD83D\\uDE00$/m)
    assert.ok(/^[\x20-\x7e\n]*$/.test(text), 'output is printable ASCII')
    assert.deepEqual(parseProperties(text), props)
  })
})

describe('readPropertiesFile', () => {
  it('reads a UTF-8 file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'brook-props-'))
    try {
      const path = join(dir, 'server.properties')
      await writeFile(path, 'broker.id=0\nname=café\n')
      assert.deepEqual(await readPropertiesFile(path), { 'broker.id': '0', name: 'café' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
