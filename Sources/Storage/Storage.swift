/// # Storage
///
/// The object store every other layer reads and writes: S3's data model and semantics over a
/// local disk, durable by construction.
///
/// ```
///  ObjectStore (buckets, objects, multipart, listing, conditions, events)
///     ├── MetadataIndex ── SQLite (WAL, synchronous=FULL) through a GroupCommitter:
///     │       buckets · objects(bucket, key → segments, etag, headers, checksums) · uploads · parts · garbage
///     │       · small_blobs (blobs of at most 64 KiB)
///     └── BlobStore ── LocalBlobStore: immutable files named by random ids, never by keys;
///                      small blobs in the index's small_blobs table (SmallBlobStorage)
/// ```
///
/// **Durability.** A PUT streams into a new blob, makes it durable (a file: fsync it and its
/// directory; a small blob: a group-committed row), then commits the metadata row; the commit is
/// the moment of truth. A crash before the commit leaves an unreferenced blob that start-up
/// garbage collection removes; a crash after it leaves the new object whole. Replaced blobs are
/// queued in `garbage` in the same transaction and deleted after it, so no reader ever sees a
/// half-written object and nothing leaks.
///
/// **Hostile keys.** Keys are data, not paths: blob files have random names, so `..`, NUL or a
/// 1,024-byte key never reach the file system.
public enum StorageModule {}
