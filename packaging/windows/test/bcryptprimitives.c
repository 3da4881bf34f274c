/*
 * A stand-in bcryptprimitives.dll for testing Top-up Cards under Wine 8.
 * FOR TESTS ONLY: it is built by scripts/test-windows.sh into a throw-away
 * Wine prefix and is never shipped.
 *
 * Go 1.22 and later take their random numbers from ProcessPrng in
 * bcryptprimitives.dll, which every Windows since 8 has. Wine 8.0 (Debian 12)
 * lacks that export, so a Go program stops at start-up. This DLL exports
 * ProcessPrng over RtlGenRandom (advapi32's SystemFunction036), which Wine
 * implements.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}
