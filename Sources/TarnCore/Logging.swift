import Logging

/// Process-wide logging setup for the `tarn` executable.
public enum TarnLogging {
    /// Bootstraps swift-log with a structured, single-line stderr handler.
    /// - Parameter level: the minimum level to print.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
