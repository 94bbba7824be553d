import TarnCore

/// Where a writer's bytes go: a file, memory, or (later) a multipart upload.
public protocol ByteSink {
    /// Appends `bytes`.
    /// - Throws: whatever the destination reports (`TarnError(.io)` for files).
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    /// Appends an array of bytes.
    public mutating func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
}

/// Collects everything written in memory (tests, small objects, S3 single-part puts).
public struct MemorySink: ByteSink, Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// An empty sink.
    public init() {}
    /// Appends `bytes`.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes.append(contentsOf: bytes) }
}

/// Writes to a local file through a 1 MiB buffer, so page-sized writes do not each cost a
/// system call.
public final class FileSink: ByteSink {
    private let file: PosixFile
    private var buffer: [UInt8] = []
    private let capacity: Int

    /// Creates (or truncates) `path`.
    /// - Throws: `TarnError(.io)` when the file cannot be created.
    public init(path: String, bufferSize: Int = 1 << 20) throws {
        file = try PosixFile(path: path, mode: .truncate)
        capacity = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    /// Appends `bytes`, flushing the buffer when full.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try file.write(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Writes buffered bytes to the file.
    public func flush() throws {
        if buffer.isEmpty { return }
        try file.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and fsyncs, so the data survives a crash once this returns.
    public func sync() throws {
        try flush()
        try file.sync()
    }
}
