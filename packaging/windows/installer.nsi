; Top-up Cards for Windows: the installer, built on Debian by `make package-windows`:
;
;   makensis -DVERSION=0.1.0 -DBUILD=1 -DSRCDIR=<folder> -DOUTFILE=<file> installer.nsi
;
; SRCDIR holds "Top-up Cards.exe" (the window), topupcards.exe (its console
; twin for cmd.exe and PowerShell) and icon.ico.
;
; A per-user installation: no administrator rights, files under
; %LOCALAPPDATA%\Programs\Top-up Cards, shortcuts and the uninstall entry in the
; current user's profile and registry. `/S` installs silently with the default
; choices, `/D=C:\path` (last on the command line) chooses the folder.
;
; The card database is not part of the installation: the program creates it
; in %APPDATA%\topupcards, and the uninstaller leaves that folder alone.

Unicode true
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!define APPNAME "Top-up Cards"
!define GUIEXE "Top-up Cards.exe"
!define CLIEXE "topupcards.exe"
!define PUBLISHER "Top-up Cards"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\TopupCards"
!define ENVKEY "Environment"

!ifndef VERSION | BUILD | SRCDIR | OUTFILE
  !error "define VERSION, BUILD, SRCDIR and OUTFILE (see the top of this file)"
!endif

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.${BUILD}"
VIAddVersionKey "ProductName" "${APPNAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}.${BUILD}"
VIAddVersionKey "FileDescription" "${APPNAME} ${VERSION} Setup"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "${PUBLISHER}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "WinMessages.nsh"
!include "StrFunc.nsh"
${StrStr}
${UnStrRep}

!define MUI_ICON "${SRCDIR}\icon.ico"
!define MUI_UNICON "${SRCDIR}\icon.ico"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC

!define MUI_WELCOMEPAGE_TEXT "This will install ${APPNAME} ${VERSION} for you (no administrator rights needed).$\r$\n$\r$\nYour cards are kept in $APPDATA\topupcards\cards.db. Installing, updating or uninstalling the program never changes that file.$\r$\n$\r$\nClose ${APPNAME} before you continue."
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUIEXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Open ${APPNAME} now"
!insertmacro MUI_PAGE_FINISH

; The page has room for three lines.
!define MUI_UNCONFIRMPAGE_TEXT_TOP "Your cards are NOT deleted: the database and its backups stay in $APPDATA\topupcards. Delete that folder yourself only if you no longer need the cards."
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Section "${APPNAME} (required)" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${SRCDIR}\${GUIEXE}"
  File "${SRCDIR}\${CLIEXE}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${GUIEXE}" "" "$INSTDIR\${GUIEXE}" 0 \
    SW_SHOWNORMAL "" "Generate, track, redeem and print prepaid top-up cards"

  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${GUIEXE},0"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  SectionGetSize ${SecApp} $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" $0
SectionEnd

Section "Desktop shortcut" SecDesktop
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${GUIEXE}" "" "$INSTDIR\${GUIEXE}" 0 \
    SW_SHOWNORMAL "" "Generate, track, redeem and print prepaid top-up cards"
SectionEnd

; The command line: topupcards.exe in cmd.exe and PowerShell, for this user.
Section "Command line: add topupcards to my PATH" SecPath
  ; ReadRegStr fails on a value longer than NSIS's string limit: then PATH is
  ; left as it is rather than cut short.
  ClearErrors
  ReadRegStr $0 HKCU "${ENVKEY}" "Path"
  ${If} ${Errors}
    Call PathValueExists
    Pop $1
    ${If} $1 == 1
      DetailPrint "Your PATH is too long to change safely; add $INSTDIR to it yourself."
      Goto done
    ${EndIf}
    StrCpy $0 ""
  ${EndIf}
  ${StrStr} $1 ";$0;" ";$INSTDIR;"
  ${If} $1 != ""
    Goto done
  ${EndIf}
  ${If} $0 == ""
    StrCpy $0 "$INSTDIR"
  ${Else}
    StrCpy $0 "$0;$INSTDIR"
  ${EndIf}
  WriteRegExpandStr HKCU "${ENVKEY}" "Path" "$0"
  WriteRegDWORD HKCU "${UNINSTKEY}" "AddedToPath" 1
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  done:
SectionEnd

; Pushes 1 when HKCU\Environment has a Path value, else 0.
Function PathValueExists
  Push $2
  Push $3
  StrCpy $2 0
  StrCpy $3 0
  loop:
    ClearErrors
    EnumRegValue $1 HKCU "${ENVKEY}" $2
    IfErrors none
    StrCmp $1 "" none
    StrCmp $1 "Path" found
    IntOp $2 $2 + 1
    Goto loop
  found:
    StrCpy $3 1
  none:
  StrCpy $1 $3
  Pop $3
  Pop $2
  Push $1
FunctionEnd

Section "Uninstall"
  ReadRegDWORD $0 HKCU "${UNINSTKEY}" "AddedToPath"
  ${If} $0 == 1
    ClearErrors
    ReadRegStr $0 HKCU "${ENVKEY}" "Path"
    ${IfNot} ${Errors}
      ${UnStrRep} $0 ";$0;" ";$INSTDIR;" ";"
      StrCpy $0 $0 "" 1 ; the leading ;
      StrCpy $0 $0 -1   ; the trailing ;
      ${If} $0 == ""
        DeleteRegValue HKCU "${ENVKEY}" "Path"
      ${Else}
        WriteRegExpandStr HKCU "${ENVKEY}" "Path" "$0"
      ${EndIf}
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ${EndIf}
  ${EndIf}

  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  Delete "$INSTDIR\${GUIEXE}"
  Delete "$INSTDIR\${CLIEXE}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"

  DetailPrint "Your cards were kept: $APPDATA\topupcards was not removed."
SectionEnd
