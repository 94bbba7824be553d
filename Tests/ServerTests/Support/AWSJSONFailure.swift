import Server
import TarnCore

/// Runs one AWS JSON call and returns what a client would see when it fails: the error type
/// (`AccessDeniedException`, `InvalidArgumentException`…) and message; nil when it succeeds.
func awsJSONFailure(_ call: () async throws -> Void) async -> (type: String, message: String)? {
    do {
        try await call()
        return nil
    } catch let error as AWSJSONError {
        return (error.type, error.message)
    } catch let error as TarnError {
        return (error.code.rawValue, error.message)
    } catch {
        return ("\(error)", "")
    }
}
