package io.hourglass.common.io;

/** One raw object of an hour, as listed: its full URI and compressed size in bytes. */
public record InputFile(String path, long bytes) {}
