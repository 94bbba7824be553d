import Storage
import TarnCore

/// Positioned reads of one file — an object (ranged reads, as S3 GETs with a Range header) or
/// a local file (`pread`). Sources read through it and count every byte they ask for.
public protocol RandomAccessFile: Sendable {
    /// Size in bytes.
    var size: Int64 { get }
    /// Fills `buffer` from `offset`; returns the count (short only at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int
}

extension RandomAccessFile {
    /// Reads exactly `range`.
    /// - Throws: `TarnError(.corrupt)` when the file ends early.
    func read(_ range: Range<Int64>, name: @autoclosure () -> String) throws -> [UInt8] {
        let count = Int(range.count)
        if count == 0 { return [] }
        var bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in initialized = count }
        let got = try bytes.withUnsafeMutableBytes { try read(into: $0, at: range.lowerBound) }
        guard got == count else { throw TarnError(.corrupt, "\(name()): expected \(count) bytes at \(range.lowerBound), read \(got)") }
        return bytes
    }
}

extension ObjectReader: RandomAccessFile {
    /// The object's size at open time.
    public var size: Int64 { info.size }
}

/// A local file opened for positioned reads.
final class LocalFile: RandomAccessFile {
    let file: PosixFile
    let size: Int64

    init(path: String) throws {
        file = try PosixFile(path: path, mode: .read)
        size = try file.size()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        try file.read(into: buffer, at: offset)
    }
}
