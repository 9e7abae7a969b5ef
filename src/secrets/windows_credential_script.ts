/**
 * The PowerShell program the Windows backend runs: Add-Type P/Invoke of advapi32's CredWriteW,
 * CredReadW and CredDeleteW on generic credentials.
 *
 * The program itself is constant (passed as `-EncodedCommand`); everything variable arrives on
 * stdin as four lines: operation (`probe|read|write|delete`), target, user name, and the secret
 * as base64 of its UTF-8 bytes. A read prints the blob as base64 on stdout. Exit codes: 0 done,
 * 3 no such credential (ERROR_NOT_FOUND), 4 other Win32 error (stderr `EIGEN_S3_CRED_ERROR <n>`),
 * anything else a PowerShell failure (e.g. Add-Type blocked).
 *
 * @module
 */

/** Exit code of the script when the credential does not exist. */
export const CRED_NOT_FOUND_EXIT = 3;
/** Exit code of the script for any other Win32 error; stderr names it. */
export const CRED_WIN32_ERROR_EXIT = 4;
/** stderr marker followed by the Win32 error number. */
export const CRED_ERROR_MARKER = "EIGEN_S3_CRED_ERROR";

/** The PowerShell source. */
export const CREDENTIAL_SCRIPT = String.raw`$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$op = [Console]::In.ReadLine()
$target = [Console]::In.ReadLine()
$user = [Console]::In.ReadLine()
$secret64 = [Console]::In.ReadLine()
Add-Type -TypeDefinition @'
using System;
using System.Runtime.InteropServices;
public static class EigenS3Credential {
  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public struct CREDENTIAL {
    public uint Flags;
    public uint Type;
    public string TargetName;
    public string Comment;
    public System.Runtime.InteropServices.ComTypes.FILETIME LastWritten;
    public uint CredentialBlobSize;
    public IntPtr CredentialBlob;
    public uint Persist;
    public uint AttributeCount;
    public IntPtr Attributes;
    public string TargetAlias;
    public string UserName;
  }
  [DllImport("advapi32.dll", EntryPoint = "CredWriteW", CharSet = CharSet.Unicode, SetLastError = true)]
  static extern bool CredWrite(ref CREDENTIAL credential, uint flags);
  [DllImport("advapi32.dll", EntryPoint = "CredReadW", CharSet = CharSet.Unicode, SetLastError = true)]
  static extern bool CredRead(string target, uint type, uint flags, out IntPtr credential);
  [DllImport("advapi32.dll", EntryPoint = "CredDeleteW", CharSet = CharSet.Unicode, SetLastError = true)]
  static extern bool CredDelete(string target, uint type, uint flags);
  [DllImport("advapi32.dll", EntryPoint = "CredFree")]
  static extern void CredFree(IntPtr buffer);
  const uint CRED_TYPE_GENERIC = 1;
  const uint CRED_PERSIST_LOCAL_MACHINE = 2;

  public static int Write(string target, string user, byte[] secret) {
    CREDENTIAL c = new CREDENTIAL();
    c.Type = CRED_TYPE_GENERIC;
    c.TargetName = target;
    c.UserName = user;
    c.Persist = CRED_PERSIST_LOCAL_MACHINE;
    c.CredentialBlobSize = (uint)secret.Length;
    c.CredentialBlob = Marshal.AllocHGlobal(Math.Max(secret.Length, 1));
    try {
      Marshal.Copy(secret, 0, c.CredentialBlob, secret.Length);
      return CredWrite(ref c, 0) ? 0 : Marshal.GetLastWin32Error();
    } finally {
      Marshal.Copy(new byte[secret.Length], 0, c.CredentialBlob, secret.Length);
      Marshal.FreeHGlobal(c.CredentialBlob);
    }
  }

  public static int Read(string target, out byte[] secret) {
    secret = new byte[0];
    IntPtr p;
    if (!CredRead(target, CRED_TYPE_GENERIC, 0, out p)) return Marshal.GetLastWin32Error();
    try {
      CREDENTIAL c = (CREDENTIAL)Marshal.PtrToStructure(p, typeof(CREDENTIAL));
      secret = new byte[c.CredentialBlobSize];
      if (c.CredentialBlobSize > 0) Marshal.Copy(c.CredentialBlob, secret, 0, (int)c.CredentialBlobSize);
      return 0;
    } finally {
      CredFree(p);
    }
  }

  public static int Delete(string target) {
    return CredDelete(target, CRED_TYPE_GENERIC, 0) ? 0 : Marshal.GetLastWin32Error();
  }
}
'@
$blob = [byte[]]@()
switch ($op) {
  'probe' { $rc = [EigenS3Credential]::Read($target, [ref]$blob); if ($rc -eq 1168) { $rc = 0 } }
  'read' { $rc = [EigenS3Credential]::Read($target, [ref]$blob); if ($rc -eq 0) { [Console]::Out.Write([Convert]::ToBase64String($blob)) } }
  'write' { $rc = [EigenS3Credential]::Write($target, $user, [Convert]::FromBase64String($secret64)) }
  'delete' { $rc = [EigenS3Credential]::Delete($target) }
  default { [Console]::Error.WriteLine('unknown operation'); exit 2 }
}
if ($rc -eq 0) { exit 0 }
if ($rc -eq 1168) { exit 3 }
[Console]::Error.WriteLine("EIGEN_S3_CRED_ERROR $rc")
exit 4
`;

/** `-EncodedCommand` takes base64 of the UTF-16LE program text. */
export function encodePowerShellCommand(script: string): string {
  const bytes = new Uint8Array(script.length * 2);
  for (let i = 0; i < script.length; i++) {
    const unit = script.charCodeAt(i);
    bytes[i * 2] = unit & 0xff;
    bytes[i * 2 + 1] = unit >> 8;
  }
  return bytesToBase64(bytes);
}

/** Standard base64 of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Bytes of standard base64 `text`; throws on malformed input. */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text.trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
