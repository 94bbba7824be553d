import TarnCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One keep-alive HTTP/1.1 client connection over a blocking TCP socket: the S3 load
/// generator's transport.
///
/// Deliberately minimal so the client costs a few microseconds per request and the server, not
/// the load generator, is what gets measured: request heads are pre-built bytes, bodies are
/// written from one reusable buffer, response bodies are counted and dropped.
final class HTTPConnection {
    private let host: String
    private let port: UInt16
    private var descriptor: Int32 = -1
    /// Received bytes not yet consumed: `inbox[start..<end]`.
    private var inbox = [UInt8](repeating: 0, count: 256 * 1024)
    private var start = 0
    private var end = 0

    /// Connects to an IPv4 address literal and port.
    init(host: String, port: Int) throws {
        self.host = host
        self.port = UInt16(port)
        try reconnect()
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    private func reconnect() throws {
        if descriptor >= 0 { close(descriptor) }
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw TarnError(.io, "socket() failed: errno \(errno)") }
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw TarnError(.invalidArgument, "not an IPv4 address: \(host)") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw TarnError(.io, "connect to \(host):\(port) failed: errno \(errno)") }
        start = 0
        end = 0
    }

    /// Sends a request (`head` ends with the blank line) followed by `bodyLength` bytes taken
    /// cyclically from `bodyBlock`, then reads the whole response.
    /// - Returns: the status code and the number of body bytes received.
    func exchange(head: [UInt8], bodyBlock: [UInt8], bodyLength: Int64) throws -> (status: Int, received: Int64) {
        try head.withUnsafeBytes { try sendAll($0) }
        var remaining = bodyLength
        try bodyBlock.withUnsafeBytes { block in
            while remaining > 0 {
                let count = Int(min(Int64(block.count), remaining))
                try sendAll(UnsafeRawBufferPointer(rebasing: block[0..<count]))
                remaining -= Int64(count)
            }
        }
        return try readResponse()
    }

    private func sendAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            guard sent > 0 else { throw TarnError(.io, "send failed after \(offset) of \(bytes.count) bytes: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads more bytes into the inbox; throws when the peer closed.
    private func fill() throws {
        if start == end {
            start = 0
            end = 0
        } else if end == inbox.count {
            if start == 0 { inbox += [UInt8](repeating: 0, count: inbox.count) }  // a header larger than the inbox
            else {
                inbox.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            }
        }
        let got = inbox.withUnsafeMutableBytes { raw in recv(descriptor, raw.baseAddress! + end, raw.count - end, 0) }
        guard got > 0 else { throw TarnError(.io, "connection closed while reading a response (errno \(errno))") }
        end += got
    }

    /// The index just past the next CRLF at or after `start`, reading more as needed.
    private func line() throws -> Range<Int> {
        var scan = start
        while true {
            while scan + 1 < end {
                if inbox[scan] == 13 && inbox[scan + 1] == 10 { return start..<scan }
                scan += 1
            }
            let offset = scan - start
            try fill()
            scan = start + offset
        }
    }

    private func readResponse() throws -> (status: Int, received: Int64) {
        var status = 0
        var contentLength: Int64? = nil
        var chunked = false
        var closes = false
        var first = true
        while true {
            let range = try line()
            let text = String(decoding: inbox[range], as: UTF8.self)
            start = range.upperBound + 2
            if first {
                // "HTTP/1.1 200 OK"
                let parts = text.split(separator: " ", maxSplits: 2)
                status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
                first = false
                continue
            }
            if text.isEmpty {
                if status == 100 {  // an interim response: the real one follows
                    first = true
                    continue
                }
                break
            }
            guard let colon = text.firstIndex(of: ":") else { continue }
            let name = text[..<colon].lowercased()
            let value = text[text.index(after: colon)...].trimmingCharacters(in: " ")
            switch name {
            case "content-length": contentLength = Int64(value)
            case "transfer-encoding": chunked = value.lowercased().contains("chunked")
            case "connection": closes = value.lowercased() == "close"
            default: break
            }
        }
        var received: Int64 = 0
        if chunked {
            while true {
                let range = try line()
                let size = Int64(String(decoding: inbox[range], as: UTF8.self).split(separator: ";").first ?? "", radix: 16) ?? 0
                start = range.upperBound + 2
                try skip(size + 2)
                received += size
                if size == 0 { break }
            }
        } else if let contentLength {
            try skip(contentLength)
            received = contentLength
        }
        if closes { try reconnect() }
        return (status, received)
    }

    /// Consumes and drops `count` bytes.
    private func skip(_ count: Int64) throws {
        var remaining = count
        while remaining > 0 {
            if start == end { try fill() }
            let take = Int(min(Int64(end - start), remaining))
            start += take
            remaining -= Int64(take)
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var text = Substring(self)
        while text.first == character { text = text.dropFirst() }
        while text.last == character { text = text.dropLast() }
        return String(text)
    }
}
