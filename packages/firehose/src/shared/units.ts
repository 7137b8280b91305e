/** Bytes in a mebibyte: buffering hints and memory bounds are in MiB, as Firehose's are. */
export const MiB = 1024 * 1024;
