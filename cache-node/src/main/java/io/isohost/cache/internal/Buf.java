package io.isohost.cache.internal;

import io.isohost.cache.TriadException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte buffer for writing messages, and a bounds-checked reader over a received frame. */
public final class Buf {
    private byte[] b;
    private int n;

    public Buf() {
        this(128);
    }

    public Buf(int capacity) {
        b = new byte[capacity];
    }

    private void room(int k) {
        if (n + k > b.length) {
            b = Arrays.copyOf(b, Math.max(b.length * 2, n + k));
        }
    }

    public Buf u8(int v) {
        room(1);
        b[n++] = (byte) v;
        return this;
    }

    public Buf i32(int v) {
        room(4);
        b[n++] = (byte) (v >>> 24);
        b[n++] = (byte) (v >>> 16);
        b[n++] = (byte) (v >>> 8);
        b[n++] = (byte) v;
        return this;
    }

    public Buf i64(long v) {
        room(8);
        for (int s = 56; s >= 0; s -= 8) {
            b[n++] = (byte) (v >>> s);
        }
        return this;
    }

    /** Raw bytes, no length. */
    public Buf raw(byte[] v) {
        room(v.length);
        System.arraycopy(v, 0, b, n, v.length);
        n += v.length;
        return this;
    }

    /** Raw bytes from {@code off}, {@code len} of them, no length. */
    public Buf raw(byte[] v, int off, int len) {
        room(len);
        System.arraycopy(v, off, b, n, len);
        n += len;
        return this;
    }

    /** Length-prefixed bytes; null is written as length -1. */
    public Buf bytes(byte[] v) {
        if (v == null) {
            return i32(-1);
        }
        i32(v.length);
        return raw(v);
    }

    public Buf str(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] array() {
        return b;
    }

    public int length() {
        return n;
    }

    public byte[] toBytes() {
        return Arrays.copyOf(b, n);
    }

    /** Reads a frame; any read past its end is a corrupt message. */
    public static final class In {
        private final byte[] b;
        private int p;

        public In(byte[] b) {
            this.b = b;
        }

        private void need(int k) {
            if (k < 0 || p + k > b.length) {
                throw new TriadException(TriadException.Code.BAD_MESSAGE, "corrupt message: truncated at byte " + p);
            }
        }

        public int u8() {
            need(1);
            return b[p++] & 0xff;
        }

        public int i32() {
            need(4);
            int v = ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
            p += 4;
            return v;
        }

        public long i64() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (b[p++] & 0xff);
            }
            return v;
        }

        public byte[] raw(int len) {
            need(len);
            byte[] v = Arrays.copyOfRange(b, p, p + len);
            p += len;
            return v;
        }

        public byte[] bytes() {
            int len = i32();
            if (len == -1) {
                return null;
            }
            return raw(len);
        }

        public String str() {
            byte[] v = bytes();
            if (v == null) {
                throw new TriadException(TriadException.Code.BAD_MESSAGE, "corrupt message: null string");
            }
            return new String(v, StandardCharsets.UTF_8);
        }
    }
}
