#!/bin/sh
# The shared library must export the SSPI names, WinPR's InitSecurityInterfaceEx
# pair and SspiGss* names only.
set -eu
lib=$1
allowed='^(InitSecurityInterface(Ex)?[AW]|EnumerateSecurityPackages[AW]|QuerySecurityPackageInfo[AW]|AcquireCredentialsHandle[AW]|FreeCredentialsHandle|AddCredentials[AW]|QueryCredentialsAttributes(Ex)?[AW]|SetCredentialsAttributes[AW]|InitializeSecurityContext[AW]|AcceptSecurityContext|CompleteAuthToken|ApplyControlToken|DeleteSecurityContext|ImpersonateSecurityContext|RevertSecurityContext|QuerySecurityContextToken|QueryContextAttributes(Ex)?[AW]|SetContextAttributes[AW]|MakeSignature|VerifySignature|EncryptMessage|DecryptMessage|ExportSecurityContext|ImportSecurityContext[AW]|ChangeAccountPassword[AW]|FreeContextBuffer|DelegateSecurityContext|(Add|Delete)SecurityPackage[AW]|Sasl[A-Za-z]+|Sspi[A-Za-z]+|SspiGss[A-Za-z0-9]+|SSPI_GSS_[0-9.]+)$'
names=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//')
bad=$(printf '%s\n' "$names" | grep -Ev "$allowed" || true)
count=$(printf '%s\n' "$names" | grep -c . || true)
if [ -n "$bad" ]; then
	echo "unexpected exported symbols:"
	printf '%s\n' "$bad"
	echo "0 passed, 1 failed"
	exit 1
fi
for must in InitSecurityInterfaceA InitSecurityInterfaceW InitSecurityInterfaceExA InitSecurityInterfaceExW EnumerateSecurityPackagesA FreeContextBuffer SspiGssVersion; do
	printf '%s\n' "$names" | grep -qx "$must" || { echo "missing export $must"; exit 1; }
done
echo "$count exported symbols, all SSPI or SspiGss names"
echo "1 passed, 0 failed"
