#!/usr/bin/env python3
# Writes the corpus inputs (main/, corrupt/, csv/, tsv/) byte for byte; run it from anywhere: python3 make_inputs.py
# Only the INPUTS come from here. The expected outcomes are written by hand in cases.json; nothing
# here runs the code under test. Lengths and offsets quoted in cases.json follow from the bytes below.
import gzip, zlib, os
root = os.path.dirname(os.path.abspath(__file__))
for d in ['main', 'corrupt', 'csv', 'tsv']:
    os.makedirs(os.path.join(root, d), exist_ok=True)

T = '"event_type":"page_view","event_time":"2026-11-20T10:15:00Z","site_id":7'
def rec(i, extra=''):
    return '{"event_id":"%s",%s%s}' % (i, T, extra)
def w(name, text):
    p = os.path.join(root, name)
    if isinstance(text, str):
        text = text.encode('utf-8')
    open(p, 'wb').write(text)

# 1 malformed JSON
w('main/malformed-json.json', '\n'.join([
    rec('mj-ok'),
    '{"event_id":"mj-1","event_type":"page_view" "event_time":"2026-11-20T10:15:00Z","site_id":7}',
    '{"event_id":"mj-2",%s,}' % T,
    '[{"event_id":"mj-3",%s}]' % T,
    '"mj-4"',
    rec('mj-5') + ' trailing',
    "{'event_id':'mj-6','event_type':'page_view','event_time':'2026-11-20T10:15:00Z','site_id':7}",
    '{"event_id":"mj-7",%s,"score":NaN}' % T,
    '{event_id:"mj-8",%s}' % T,
    'null',
]) + '\n')

# 2 cut mid-record (the last one at the end of the file, without a newline)
w('main/cut-mid-record.json', '\n'.join([
    rec('cut-1'),
    '{"event_id":"cut-2","event_type":"page_view","event_ti',
    rec('cut-3'),
    '{"event_id":"cut-4",%s,"props":{"a":"b"' % T,
]))

# 3 concatenated without newline
w('main/concatenated.json', '\n'.join([
    rec('cc-1') + rec('cc-2') + rec('cc-3'),
    rec('cc-4') + ' ' + rec('cc-5') + '\t' + rec('cc-6'),
    rec('cc-7', ',"props":{"note":"}{"}') + rec('cc-8'),
    rec('cc-9') + '{"event_id":"cc-10","event_ty',
    rec('cc-11') + 'x' + rec('cc-12'),
]) + '\n')

# 4 escaped newlines inside strings (and a raw U+2028, legal inside a JSON string)
w('main/escaped-newlines.json', '\n'.join([
    rec('esc-1', ',"user_agent":"line one\\nline two\\r\\nline three"'),
    rec('esc-2', ',"props":{"note":"a \\"quoted\\" }{ brace and \\\\n, not a newline"}'),
    rec('esc-3', ',"user_agent":"before\u2028after"'),
]) + '\n')

# 5 CRLF line ends (and a lone CR between two objects)
w('main/crlf.json', '\r\n'.join([
    rec('crlf-1'),
    '',
    rec('crlf-2'),
    'not json',
    rec('crlf-3') + '\r' + rec('crlf-4'),
]) + '\r\n')

# 6 UTF-8 byte order mark
w('main/bom.json', b'\xef\xbb\xbf' + ('\n'.join([rec('bom-1'), rec('bom-2')]) + '\n').encode())

# 7 invalid UTF-8
def ua(i, raw):  # a record whose user_agent holds the given bytes
    return ('{"event_id":"%s",%s,"user_agent":"' % (i, T)).encode() + raw + b'"}'
w('main/invalid-utf8.json', b'\n'.join([
    ua('utf-1', b'caf\xe9'),
    ua('utf-2', b'\xc3'),
    ua('utf-3', b'caf\xc3\xa9 \xf0\x9f\x98\x80'),
    ua('utf-4', b'sent as \xef\xbf\xbd'),
    rec('utf-5').encode() + ua('utf-6', b'\xff\xfe'),
    ua('utf-7', b'\xed\xa0\x80'),
]) + b'\n')

# 8 blank lines
w('main/blank-lines.json', '\n'.join(['', rec('blank-1'), '   ', '\t', rec('blank-2'), ' \t ', '']) + '\n')

# 9 empty file, 10 empty gzip (a valid gzip of nothing, and zero bytes named .gz)
w('main/empty.json', b'')
w('main/empty.gz', gzip.compress(b'', mtime=0))
w('main/zero-bytes.gz', b'')

# 11 a line over 20 MB: one record of exactly 21,000,000 bytes between two good ones
head = '{"event_id":"big-2",%s,"user_agent":"' % T
tail = '"}'
big = head + 'x' * (21_000_000 - len(head) - len(tail)) + tail
assert len(big) == 21_000_000
w('main/huge-line.gz', gzip.compress(('\n'.join([rec('big-1'), big, rec('big-3')]) + '\n').encode(), 9, mtime=0))

# 12 one object with no newline at all (records back to back, 35 MB in one "line"), one record of 17,000,000 bytes inside
def padded(i, n):
    head = '{"event_id":"%s",%s,"user_agent":"' % (i, T)
    r = head + 'y' * (n - len(head) - 2) + '"}'
    assert len(r) == n
    return r
parts = [padded('nl-%d' % i, 2_000_000) for i in range(1, 6)] + [padded('nl-big', 17_000_000)] \
    + [padded('nl-%d' % i, 2_000_000) for i in range(6, 10)] + [rec('nl-10')]
w('main/no-newline.gz', gzip.compress(''.join(parts).encode(), 9, mtime=0))

# 13 deeply nested JSON
def deep_obj(n):
    return '{"a":' * n + '1' + '}' * n
w('main/deep-nesting.json', '\n'.join([
    rec('deep-1', ',"tree":' + deep_obj(20)),
    rec('deep-2', ',"tree":' + '[' * 1500 + ']' * 1500),
    rec('deep-3', ',"tree":' + '[' * 100000 + ']' * 100000),
]) + '\n')

# 14 wrong types
def r2(i, fields):
    base = {'event_id': '"%s"' % i, 'event_type': '"page_view"', 'event_time': '"2026-11-20T10:15:00Z"', 'site_id': '7'}
    base.update(fields)
    return '{' + ','.join('"%s":%s' % (k, v) for k, v in base.items() if v is not None) + '}'
w('main/wrong-types.json', '\n'.join([
    r2('wt-1', {'site_id': '"abc"'}),
    r2('wt-2', {'site_id': '12.5'}),
    r2('wt-3', {'site_id': 'true'}),
    r2('wt-4', {'site_id': '{"id":7}'}),
    r2('wt-5', {'event_time': 'true'}),
    r2('wt-6', {'event_time': '"yesterday"'}),
    r2('wt-7', {'props': '[1,2]'}),
    r2('wt-8', {'props': '"a string"'}),
    r2('wt-9', {'event_id': '{"id":"wt-9"}'}),
    r2('wt-10', {'event_type': '["click"]'}),
    r2('wt-11', {'event_id': '12345'}),
    r2('wt-12', {'site_id': '"42"'}),
    r2('wt-13', {'user_agent': 'true'}),
]) + '\n')

# 15 missing required fields
w('main/missing-required.json', '\n'.join([
    r2('mr-1', {'event_id': None}),
    r2('mr-2', {'event_type': None}),
    r2('mr-3', {'event_time': None}),
    r2('mr-4', {'site_id': None}),
    '{}',
    r2('mr-6', {'site_id': 'null'}),
]) + '\n')

# 16 null or empty event_id
w('main/null-empty-event-id.json', '\n'.join([
    r2('x', {'event_id': 'null', 'user_id': '"ne-1"'}),
    r2('x', {'event_id': '""', 'user_id': '"ne-2"'}),
    r2('x', {'event_id': '"   "', 'user_id': '"ne-3"'}),
    r2('x', {'event_id': '"\\t"', 'user_id': '"ne-4"'}),
]) + '\n')

# 17 duplicate event_ids across files (and within one)
w('main/dup-a.json', '\n'.join([
    r2('dup-1', {'event_type': '"first"'}),
    r2('dup-2', {}),
    r2('dup-4', {'site_id': '"bad"'}),
]) + '\n')
w('main/dup-b.json', '\n'.join([
    r2('dup-1', {'event_type': '"second"'}),
    r2('dup-2', {}),
    r2('dup-3', {}),
    r2('dup-3', {'event_type': '"again"'}),
    r2('dup-4', {'event_type': '"valid this time"'}),
]) + '\n')

# 18 far-future and ancient times
w('main/out-of-window.json', '\n'.join([
    r2('ow-1', {'event_time': '"2099-01-01T00:00:00Z"'}),
    r2('ow-2', {'event_time': '"1800-01-01T00:00:00Z"'}),
    r2('ow-3', {'event_time': '"2026-11-20T04:00:00Z"'}),
    r2('ow-4', {'event_time': '"2026-11-20T03:59:59.999Z"'}),
    r2('ow-5', {'event_time': '"2026-11-20T11:10:00Z"'}),
    r2('ow-6', {'event_time': '"2026-11-20T11:09:59.999Z"'}),
    r2('ow-7', {'event_time': '4102444800000'}),
    r2('ow-8', {'event_time': '-5364662400000'}),
]) + '\n')

# 19 epoch seconds where millis are expected
w('main/epoch-seconds.json', '\n'.join([
    r2('es-1', {'event_time': '1795169700'}),
    r2('es-2', {'event_time': '1795169700000'}),
    r2('es-3', {'event_time': '"1795169700"'}),
    r2('es-4', {'event_time': '1795169700000000'}),
    r2('es-5', {'event_time': '1795169700000.0'}),
]) + '\n')

# 20 non-UTC offsets: every one is 2026-11-20T10:15:00Z
w('main/non-utc-offsets.json', '\n'.join([
    r2('off-1', {'event_time': '"2026-11-20T12:15:00+02:00"'}),
    r2('off-2', {'event_time': '"2026-11-20T05:15:00-05:00"'}),
    r2('off-3', {'event_time': '"2026-11-20T15:45:00+05:30"'}),
    r2('off-4', {'event_time': '"2026-11-21T00:15:00+14:00"'}),
    r2('off-5', {'event_time': '"2026-11-19T23:15:00-11:00"'}),
    r2('off-6', {'event_time': '"2026-11-20T10:15:00"'}),
    r2('off-7', {'event_time': '"2026-11-20T10:15:00.000Z"'}),
    r2('off-8', {'event_time': '"2026-11-20T16:00:00+05:45"'}),
    r2('off-9', {'event_time': '"2026-11-20T12:15:00+0200"'}),
]) + '\n')

# 21 unknown fields
w('main/unknown-fields.json', '\n'.join([
    r2('uf-1', {'app_version': '"3.1.0"', 'experiment': '{"id":7,"arm":"b"}', 'tags': '["a","b"]', 'price': '12.50',
                'ratio': '0.12345678901234567891', 'huge': '1e999', 'big': '123456789012345678901234567890',
                'nothing': 'null', 'flag': 'true'}),
    r2('uf-2', {}),
]) + '\n')

# 22 field-name case variants
w('main/case-variants.json', '\n'.join([
    '{"Event_ID":"cv-1",%s}' % T,
    '{"event_id":"cv-2","EVENT_TYPE":"page_view","event_time":"2026-11-20T10:15:00Z","Site_Id":7}',
    r2('cv-3', {'Event_ID': '"other"'}),
    r2('cv-4', {'URL': '"https://example.com/x"'}),
]) + '\n')

# 23 numeric overflow
w('main/numeric-overflow.json', '\n'.join([
    r2('no-1', {'site_id': '2147483648'}),
    r2('no-2', {'site_id': '-2147483649'}),
    r2('no-3', {'site_id': '99999999999999999999'}),
    r2('no-4', {'site_id': '1e400'}),
    r2('no-5', {'event_time': '99999999999999999999'}),
    r2('no-6', {'event_time': '1e400'}),
    r2('no-7', {'site_id': '2147483647'}),
    r2('no-8', {'props': '{"qty":1e999,"id":123456789012345678901234567890,"price":12.50}'}),
]) + '\n')

# 24 duplicate keys in one object
w('main/duplicate-keys.json', '\n'.join([
    '{"event_id":"dk-1","event_id":"dk-1b",%s}' % T,
    r2('dk-2', {'props': '{"a":"1","a":"2"}'}),
    r2('dk-3', {}),
]) + '\n')

# 25 control characters
w('main/control-chars.json', (
    r2('ctl-1', {'user_agent': '"a\tb"'}) + '\n' +
    r2('ctl-2', {}) + '\x00\n' +
    r2('ctl-3', {'user_agent': '"tab\\there, nul\\u0000there"'}) + '\n').encode())

# corrupt: a gzip cut right after a flush point (3 whole lines and half of the 4th decode, then the stream ends)
co = zlib.compressobj(9, zlib.DEFLATED, 31)
first = '\n'.join([rec('tr-1'), rec('tr-2'), rec('tr-3')]) + '\n' + '{"event_id":"tr-4","event_type":"pa'
rest = 'ge_view","event_time":"2026-11-20T10:15:00Z","site_id":7}\n' + rec('tr-5') + '\n'
cut = co.compress(first.encode()) + co.flush(zlib.Z_SYNC_FLUSH)
whole = cut + co.compress(rest.encode()) + co.flush(zlib.Z_FINISH)
assert zlib.decompress(whole, 31).decode() == first + rest
w('corrupt/truncated.gz', cut)
# corrupt: named .gz, is plain text
w('corrupt/not-gzip.gz', rec('ng-1') + '\n' + rec('ng-2') + '\n')
w('corrupt/good.json', rec('good-1') + '\n' + rec('good-2') + '\n')

# csv: RFC 4180 records whose quoted fields hold delimiters, doubled quotes and line ends (runs 'csv', 'tsv')
TIME = '2026-11-20T10:15:00Z'
w('csv/quoted.csv', '\n'.join([
    'event_id,event_time,event_type,site_id,url,user_agent,props,user_id,campaign',
    'q-1,%s,page_view,7,"https://shop.example.com/cart?items=1,2,3",plain,,,"fall, sale"' % TIME,
    'q-2,%s,click,7,,"first line\nsecond, with a comma\nthird ""quoted""","{""plan"":""pro"",""price"":12.50}",u-2,' % TIME,
    'q-3,%s,page_view,7,,"say ""hi"", then leave",,"",x' % TIME,
    'q-4,%s,page_view,7,,"para one\n\npara two",,,' % TIME,
    'q-5,%s,"",7,,line ten,,,' % TIME,
    'q-6,%s,page_view,7,,last,,,' % TIME,
]) + '\n')
w('csv/bad.csv', '\n'.join([
    'event_id,event_type,event_time,site_id,user_agent',
    'b-1,page_view,%s,7,ok' % TIME,
    'b-2,page_view,%s,7' % TIME,
    'b-3,page_view,%s,7,"a,b",one too many' % TIME,
    '',
    'b-4,page_view,%s,7,"stray "quote" inside"' % TIME,
    'b-5,page_view,%s,abc,x' % TIME,
    'b-6,page_view,%s,7,"two' % TIME,
    'lines"',
    'b-7,page_view,%s,7,"never closed' % TIME,
    'b-8,page_view,%s,7,swallowed' % TIME,
]) + '\n')
w('csv/crlf-bom.csv.gz', gzip.compress(b'\xef\xbb\xbf' + '\r\n'.join([
    'event_id,event_type,event_time,site_id,user_agent',
    'cb-1,page_view,%s,7,"crlf\r\ninside"' % TIME,
    '',
    'cb-2,page_view,%s,7,last' % TIME,
]).encode() + b'\r\n', mtime=0))
# csv/headless.csv: written without a header although the run says header = true
w('csv/headless.csv', 'h-1,page_view,%s,7\nh-2,page_view,%s,7\n' % (TIME, TIME))
co = zlib.compressobj(9, zlib.DEFLATED, 31)
first = 'event_id,event_type,event_time,site_id\nct-1,page_view,%s,7\nct-2,page_view,%s,7\nct-3,page_vi' % (TIME, TIME)
w('csv/truncated.csv.gz', co.compress(first.encode()) + co.flush(zlib.Z_SYNC_FLUSH))

# tsv: no header, the raw schema's 14 columns in order; quoted fields hold TABs and line ends
def tsv(*fields):
    return '\t'.join(fields)
w('tsv/events.tsv', '\n'.join([
    tsv('t-1', 'page_view', TIME, '7', 'u-1', 's-1', 'https://example.com/a/b?q=1', '', '"UA with\ttab and\nnewline"',
        '203.0.113.9', 'DE', 'desktop', '', ''),
    tsv('t-2', 'page_view', TIME, '7', 'u-2', 's-2', '', '', 'thirteen fields', '', '', '', ''),
    tsv('t-3', 'click', TIME, '7', '', '', '', '', '', '', '', '', '', '"{""k"":""v,w""}"'),
    tsv('event_id', 'event_type', 'event_time', 'site_id', 'user_id', 'session_id', 'url', 'referrer', 'user_agent',
        'ip', 'country', 'device', 'email', 'props'),
]) + '\n')
