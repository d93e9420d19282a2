"""kafka-python client driven by capture.mjs.

Usage: python3 kafka-python-client.py <host:port> <api_version|auto> <compression|none> [repeat]
  api_version: e.g. 0.10.0 (pins the protocol; skips ApiVersions probing) or auto
Produces 3 keyed records (k1..k3 / golden-value-1..3) to topic `golden` partition 0
in a single batch (linger_ms), then flushes. With repeat=N each value is
'golden-value-<i>' repeated N times: kafka-python sends a v2 batch uncompressed
when compression would not make it smaller, so small values never get compressed.
"""
import sys
from kafka import KafkaProducer

bootstrap, api_version, compression = sys.argv[1], sys.argv[2], sys.argv[3]
repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 1
kwargs = dict(
    bootstrap_servers=[bootstrap],
    client_id='brook-golden-kafka-python',
    acks=-1,
    linger_ms=500,
    retries=0,
    compression_type=None if compression == 'none' else compression,
)
if api_version != 'auto':
    kwargs['api_version'] = tuple(int(x) for x in api_version.split('.'))

producer = KafkaProducer(**kwargs)
futures = [producer.send('golden', key=('k%d' % i).encode(), value=(('golden-value-%d' % i) * repeat).encode(), partition=0)
           for i in (1, 2, 3)]
producer.flush(10)
for f in futures:
    try:
        md = f.get(timeout=10)
        print('produced', md.topic, md.partition, md.offset)
    except Exception as e:  # the response (even an error) is what we capture
        print('produce failed:', repr(e))
producer.close(5)
