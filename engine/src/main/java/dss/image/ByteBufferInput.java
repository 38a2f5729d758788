package dss.image;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A buffer's bytes as a stream, read in place (a mapped file is not copied): what the metadata
 * readers (orientation, capture date) are given.
 */
final class ByteBufferInput extends InputStream {
  private final ByteBuffer b;

  ByteBufferInput(ByteBuffer b) {
    this.b = b;
  }

  @Override
  public int read() {
    return b.hasRemaining() ? b.get() & 0xff : -1;
  }

  @Override
  public int read(byte[] into, int off, int len) {
    if (len == 0) return 0;
    if (!b.hasRemaining()) return -1;
    int n = Math.min(len, b.remaining());
    b.get(into, off, n);
    return n;
  }

  @Override
  public long skip(long n) {
    int k = (int) Math.max(0, Math.min(n, b.remaining()));
    b.position(b.position() + k);
    return k;
  }

  @Override
  public int available() {
    return b.remaining();
  }
}
