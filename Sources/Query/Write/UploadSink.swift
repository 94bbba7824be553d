import Parquet
import Storage

/// A Parquet `ByteSink` that streams into a staged object upload: the bytes go to a blob as
/// they are produced and become an object only when the whole result is committed.
struct UploadSink: ByteSink {
    /// The staged upload.
    let upload: ObjectUpload
    /// Bytes written.
    private(set) var count: Int64 = 0

    init(upload: ObjectUpload) { self.upload = upload }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        try upload.write(bytes)
        count += Int64(bytes.count)
    }
}
