import Crypto
import Synchronization
import TarnCore

/// A `BlobWriter` that encrypts what it is given (see `EncryptedBlobFormat`) before passing it
/// to the underlying writer. Plaintext is buffered up to one chunk; nothing in plaintext reaches
/// the medium.
final class EncryptingBlobWriter: BlobWriter {
    private struct State {
        var buffer: [UInt8]
        var chunkIndex: UInt64 = 0
        var sealed = [UInt8]()
        var finished = false
    }

    let inner: any BlobWriter
    private let key: SymmetricKey
    private let state: Mutex<State>

    /// Starts an encrypted blob over `inner` with the object's data key.
    init(inner: any BlobWriter, dataKey: SymmetricKey) throws {
        self.inner = inner
        let (header, salt) = EncryptedBlobFormat.header()
        key = EncryptedBlobFormat.blobKey(dataKey: dataKey, salt: salt)
        var initial = State(buffer: [])
        initial.buffer.reserveCapacity(EncryptedBlobFormat.chunkSize)
        state = Mutex(initial)
        try header.withUnsafeBytes { try inner.write($0) }
    }

    var id: BlobID { inner.id }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try state.withLock { state in
            var offset = 0
            while offset < bytes.count {
                let room = EncryptedBlobFormat.chunkSize - state.buffer.count
                let take = min(room, bytes.count - offset)
                state.buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
                offset += take
                if state.buffer.count == EncryptedBlobFormat.chunkSize { try flush(&state, final: false) }
            }
        }
    }

    /// Sealed bytes are collected up to this size before one write, so the medium sees large
    /// writes as for an unencrypted body.
    static let writeBatch = 1 << 20

    /// Seals the buffered chunk and queues it; writes the queue when it is large or at the end.
    private func flush(_ state: inout State, final: Bool) throws {
        let box = try AES.GCM.seal(state.buffer, using: key, nonce: EncryptedBlobFormat.nonce(index: state.chunkIndex, final: final))
        state.sealed.append(contentsOf: box.ciphertext)
        state.sealed.append(contentsOf: box.tag)
        if final || state.sealed.count >= Self.writeBatch {
            try state.sealed.withUnsafeBytes { try inner.write($0) }
            state.sealed.removeAll(keepingCapacity: true)
        }
        state.buffer.removeAll(keepingCapacity: true)
        state.chunkIndex += 1
    }

    func finish() async throws {
        try state.withLock { state in
            guard !state.finished else { return }
            try flush(&state, final: true)
            state.finished = true
        }
        try await inner.finish()
    }

    func abort() { inner.abort() }
}
