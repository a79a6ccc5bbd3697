using System.Runtime.InteropServices;

namespace PenguinMails.Analytics.Storage;

/// <summary>
/// Files that hold tenants' data (the DuckDB file, its WAL and spill files, exports) are readable
/// by the service's user only, whatever the umask it was started with: other local users must not
/// read every tenant's numbers or list export ids.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Makes every file this process creates from now on private (umask 077). DuckDB creates its
    /// WAL and spill files itself, again after every checkpoint, with the process umask; there is
    /// no other way to choose their mode.
    /// </summary>
    public static void RestrictProcessUmask()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            _ = NativeMethods.umask(0b000_111_111); // 077
        }
    }

    /// <summary>Creates <paramref name="path"/> (and missing parents) as 0700, and makes it 0700 if it exists.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, OwnerDirectory);
        File.SetUnixFileMode(path, OwnerDirectory);
    }

    /// <summary>Makes an existing file 0600 (no-op when it does not exist).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, OwnerFile);
        }
    }

    // DllImport rather than LibraryImport, which would need unsafe code for one uint.
    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "umask")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern uint umask(uint mask);
    }
}
