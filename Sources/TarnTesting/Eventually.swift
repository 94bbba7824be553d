import Foundation

/// Waits until `condition` holds, for background work a test cannot join (deliveries retry
/// with up to 5 s of backoff, workers poll).
/// - Parameters:
///   - seconds: how long to wait at most.
///   - milliseconds: how long to sleep between checks.
///   - condition: checked until it is true or the time is up.
/// - Returns: whether the condition held (checked once more at the deadline).
public func eventually(seconds: Double = 20, every milliseconds: UInt64 = 50, _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try await Task.sleep(nanoseconds: milliseconds * 1_000_000)
    }
    return try condition()
}
