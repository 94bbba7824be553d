import Foundation

/// Locates the repository's checked-in test fixtures and the shared external test data.
public enum Fixtures {
    /// The package root, found by walking up from this source file.
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    /// `Tests/<target>/Fixtures/<relative>`.
    public static func path(_ target: String, _ relative: String) -> String {
        "\(packageRoot)/Tests/\(target)/Fixtures/\(relative)"
    }
}
