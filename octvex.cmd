@echo off
rem Octvex launcher for Windows: finds a JDK >= 21, builds when sources changed, runs server, edge and Desk.
rem Usage: octvex help
setlocal EnableExtensions EnableDelayedExpansion

set "MIN_JAVA=21"
set "ROOT=%~dp0"
if "%ROOT:~-1%"=="\" set "ROOT=%ROOT:~0,-1%"
set "SERVER_JAR=%ROOT%\sync-server\target\octvex-server.jar"
set "EDGE_JAR=%ROOT%\local-edge\target\octvex-edge.jar"
set "DESK_JAR=%ROOT%\desk-app\target\octvex-desk.jar"
if defined OCTVEX_HOME (set "OCTVEX_HOME_DIR=%OCTVEX_HOME%") else (set "OCTVEX_HOME_DIR=%USERPROFILE%\.octvex")
set "SERVER_FILE=%OCTVEX_HOME_DIR%\run\server.json"
rem A standalone edge mostly waits on the network: C1 code and the serial collector halve its CPU per step
rem (ADR 0037). OCTVEX_EDGE_JAVA_OPTS replaces them.
if defined OCTVEX_EDGE_JAVA_OPTS (set "EDGE_JAVA_OPTS=%OCTVEX_EDGE_JAVA_OPTS%") else (set "EDGE_JAVA_OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")

set "CMD=%~1"
if not defined CMD set "CMD=help"
rem Everything after the command word, as typed (keeps "=" in --name=value, which %%2.. would split).
set "ARGS="
if not "%~1"=="" (
  set "ALL=%*"
  set "ARGS=!ALL:*%~1=!"
)

if /i "%CMD%"=="help"   goto :help
if /i "%CMD%"=="-h"     goto :help
if /i "%CMD%"=="--help" goto :help
if /i "%CMD%"=="up"     goto :dispatch
if /i "%CMD%"=="server" goto :dispatch
if /i "%CMD%"=="edge"   goto :dispatch
if /i "%CMD%"=="desk"   goto :dispatch
if /i "%CMD%"=="test"   goto :dispatch
if /i "%CMD%"=="mcp-bridge" goto :dispatch
if /i "%CMD%"=="pair"   goto :dispatch
echo octvex: unknown command: %CMD% 1>&2
call :usage 1>&2
exit /b 2

:dispatch
call :find_jdk
if errorlevel 1 (
  call :no_jdk
  exit /b 1
)
set "JAVA_HOME=%JDK_HOME%"
set "PATH=%JAVA_HOME%\bin;%PATH%"
if /i "%CMD%"=="test" goto :test
if /i "%CMD%"=="mcp-bridge" goto :mcp_bridge
if /i "%CMD%"=="pair" goto :pair
call :build_if_needed || exit /b 1
if /i "%CMD%"=="server" set "JAR=%SERVER_JAR%"
if /i "%CMD%"=="edge"   set "JAR=%EDGE_JAR%"
if /i "%CMD%"=="desk"   set "JAR=%DESK_JAR%"
if /i "%CMD%"=="up" goto :up
if /i "%CMD%"=="edge" (
  java %EDGE_JAVA_OPTS% -jar "%JAR%" %ARGS%
  exit /b !errorlevel!
)
java -jar "%JAR%" %ARGS%
exit /b %errorlevel%

rem mcp-bridge: what MCP clients start. Standard output is the MCP stream, so a build (only when the Desk's jar
rem is missing: a client must not wait for Maven on every edit) reports on standard error.
:mcp_bridge
if not exist "%DESK_JAR%" (
  call :build_if_needed 1>&2 || exit /b 1
)
java -cp "%DESK_JAR%" io.octvex.desk.bridge.McpBridge %ARGS%
exit /b %errorlevel%

rem pair: a one-time code a Desk pairs with (ADR 0031); signs in as the person running it, like ./octvex pair.
:pair
if not exist "%DESK_JAR%" (
  call :build_if_needed 1>&2 || exit /b 1
)
set "URL="
call :server_url
if defined URL (
  java -cp "%DESK_JAR%" io.octvex.desk.connect.PairCommand --server !URL! %ARGS%
) else (
  java -cp "%DESK_JAR%" io.octvex.desk.connect.PairCommand %ARGS%
)
exit /b %errorlevel%

:test
cd /d "%ROOT%"
call "%ROOT%\mvnw.cmd" -B verify %ARGS%
exit /b %errorlevel%

rem ---------------------------------------------------------------------------------------------------------
rem up: the server runs in its own console window (Ctrl-C there stops it cleanly, embedded PostgreSQL included),
rem the Desk in its window, the edge in this console. Windows gives processes started with "start /b" no Ctrl-C,
rem so one Ctrl-C cannot stop them all as it does with ./octvex on Linux and macOS.
:up
set "URL="
call :server_url
if defined URL (
  call :healthy "!URL!"
  if not errorlevel 1 (
    echo octvex: a server is already running at !URL!; using it
    goto :server_ready
  )
)
if exist "%SERVER_FILE%" del /q "%SERVER_FILE%"
echo octvex: starting the sync server in its own window (data in %OCTVEX_HOME_DIR%)
rem cmd /k keeps the window open after the server stops, so a start-up error stays readable.
start "Octvex server" cmd /k java -jar "%SERVER_JAR%"
set /a WAITED=0
:wait_server
set "URL="
call :server_url
if defined URL (
  call :healthy "!URL!"
  if not errorlevel 1 goto :server_ready
)
if !WAITED! GEQ 300 (
  echo octvex: the server did not become healthy within 300s; see the "Octvex server" window 1>&2
  exit /b 1
)
rem one second, without "timeout" (which refuses to run when stdin is redirected)
ping -n 2 127.0.0.1 >nul
set /a WAITED+=1
goto :wait_server

:server_ready
echo octvex: starting the Desk
start "Octvex Desk" javaw -jar "%DESK_JAR%" --server !URL!
echo.
echo Octvex is up: !URL!
echo   API: !URL!/api/v1   health: !URL!/actuator/health   OpenAPI: !URL!/v3/api-docs
if exist "%OCTVEX_HOME_DIR%\initial-admin.txt" echo   First login: the admin credentials are in %OCTVEX_HOME_DIR%\initial-admin.txt
echo   A local edge runs below; Ctrl-C stops it. Stop the server with Ctrl-C in its window.
echo.
java %EDGE_JAVA_OPTS% -jar "%EDGE_JAR%" --server !URL! --wait
exit /b 0

rem ---------------------------------------------------------------------------------------------------------
rem :find_jdk sets JDK_HOME, JDK_MAJOR, JDK_SOURCE; errorlevel 1 when no JDK >= MIN_JAVA was found.
:find_jdk
set "JDK_HOME=" & set "JDK_MAJOR=" & set "JDK_SOURCE=" & set "CHECKED="
if defined JAVA_HOME (
  call :jdk_major "!JAVA_HOME!"
  set "CHECKED=!CHECKED! JAVA_HOME=!JAVA_HOME![!MAJOR!]"
  if defined MAJOR if !MAJOR! GEQ %MIN_JAVA% (
    set "JDK_HOME=!JAVA_HOME!" & set "JDK_MAJOR=!MAJOR!" & set "JDK_SOURCE=JAVA_HOME"
    exit /b 0
  )
)
set "PATH_HOME="
where java >nul 2>nul && for /f "tokens=1,* delims==" %%a in ('java -XshowSettings:properties -version 2^>^&1 ^| findstr /c:"java.home ="') do set "PATH_HOME=%%b"
if defined PATH_HOME (
  set "PATH_HOME=!PATH_HOME:~1!"
  call :jdk_major "!PATH_HOME!"
  set "CHECKED=!CHECKED! PATH=!PATH_HOME![!MAJOR!]"
  if defined MAJOR if !MAJOR! GEQ %MIN_JAVA% (
    set "JDK_HOME=!PATH_HOME!" & set "JDK_MAJOR=!MAJOR!" & set "JDK_SOURCE=PATH"
    exit /b 0
  )
)
set "BEST=" & set /a BEST_MAJOR=0
for /d %%d in ("%ProgramFiles%\Eclipse Adoptium\*" "%ProgramFiles%\Java\*" "%ProgramFiles%\Microsoft\jdk-*" "%ProgramFiles%\Zulu\*" "%ProgramFiles%\Amazon Corretto\*" "%ProgramFiles%\BellSoft\*" "%USERPROFILE%\.jdks\*") do (
  call :jdk_major "%%~d"
  if defined MAJOR (
    if !MAJOR! GEQ %MIN_JAVA% if !MAJOR! GTR !BEST_MAJOR! (
      set "BEST=%%~d" & set /a BEST_MAJOR=!MAJOR!
    )
    if !MAJOR! LSS %MIN_JAVA% set "CHECKED=!CHECKED! %%~d[!MAJOR!]"
  )
)
if defined BEST (
  set "JDK_HOME=!BEST!" & set "JDK_MAJOR=!BEST_MAJOR!" & set "JDK_SOURCE=search"
  exit /b 0
)
exit /b 1

rem :jdk_major DIR sets MAJOR to the feature version of the JDK in DIR (from its release file), else clears it.
:jdk_major
set "MAJOR=" & set "VER="
if not exist "%~1\bin\java.exe" exit /b 0
if not exist "%~1\bin\javac.exe" exit /b 0
if not exist "%~1\release" exit /b 0
for /f "usebackq tokens=2 delims==" %%v in (`findstr /b /c:"JAVA_VERSION=" "%~1\release"`) do set "VER=%%~v"
if not defined VER exit /b 0
for /f "tokens=1,2 delims=.-+_" %%a in ("!VER!") do (
  if "%%a"=="1" (set "MAJOR=%%b") else (set "MAJOR=%%a")
)
exit /b 0

:no_jdk
echo octvex: no JDK %MIN_JAVA% or newer found. Looked at:!CHECKED! 1>&2
echo. 1>&2
echo Install a JDK %MIN_JAVA% or newer (21 through 25 are tested), for example: 1>&2
echo   - Eclipse Temurin from https://adoptium.net (the .msi can set JAVA_HOME for you) 1>&2
echo   - winget install EclipseAdoptium.Temurin.21.JDK 1>&2
echo then run octvex again, or point JAVA_HOME at it: 1>&2
echo   set "JAVA_HOME=C:\Program Files\Eclipse Adoptium\jdk-21..."   (the folder that contains bin\java.exe) 1>&2
exit /b 0

rem ---------------------------------------------------------------------------------------------------------
:build_if_needed
set "STALE=0"
powershell -NoProfile -ExecutionPolicy Bypass -Command ^
  "$jars = '%SERVER_JAR%','%EDGE_JAR%','%DESK_JAR%';" ^
  "if ($jars | Where-Object { -not (Test-Path -LiteralPath $_) }) { exit 0 };" ^
  "$built = ($jars | ForEach-Object { (Get-Item -LiteralPath $_).LastWriteTime } | Measure-Object -Minimum).Minimum;" ^
  "$inputs = @(Get-Item -Path '%ROOT%\pom.xml','%ROOT%\*\pom.xml') + @(Get-ChildItem -Path '%ROOT%\*\src' -Recurse -File);" ^
  "if ($inputs | Where-Object { $_.LastWriteTime -gt $built }) { exit 0 } else { exit 1 };"
if not errorlevel 1 set "STALE=1"
if "%STALE%"=="0" exit /b 0
echo octvex: building (JDK %JDK_MAJOR% at %JAVA_HOME%; the first build downloads dependencies and takes a few minutes)
pushd "%ROOT%"
call "%ROOT%\mvnw.cmd" -q -DskipTests package
set "RC=!errorlevel!"
popd
if not "%RC%"=="0" (
  echo octvex: build failed; see the Maven output above 1>&2
  exit /b 1
)
exit /b 0

rem :server_url sets URL from %SERVER_FILE% (empty when there is none).
:server_url
set "URL="
if not exist "%SERVER_FILE%" exit /b 0
for /f "usebackq delims=" %%u in (`powershell -NoProfile -Command "(Get-Content -Raw -LiteralPath '%SERVER_FILE%' | ConvertFrom-Json).url"`) do set "URL=%%u"
exit /b 0

rem :healthy URL: errorlevel 0 when URL/actuator/health answers 2xx (curl.exe ships with Windows 10 1803+).
:healthy
where curl.exe >nul 2>nul
if not errorlevel 1 (
  curl.exe -fsS -o nul --max-time 3 "%~1/actuator/health" >nul 2>nul
  exit /b !errorlevel!
)
powershell -NoProfile -Command "try { Invoke-WebRequest -UseBasicParsing -TimeoutSec 3 '%~1/actuator/health' | Out-Null; exit 0 } catch { exit 1 }"
exit /b %errorlevel%

rem ---------------------------------------------------------------------------------------------------------
:help
call :usage
call :find_jdk
if errorlevel 1 (
  echo.
  call :no_jdk
) else (
  echo.
  echo JDK: !JDK_HOME! ^(Java !JDK_MAJOR!, from !JDK_SOURCE!^)
)
exit /b 0

:usage
echo Usage: octvex COMMAND [ARGS...]
echo.
echo Commands:
echo   up               build if needed, start the sync server (own window), the Desk and a local edge; print the URL
echo   server [ARGS]    build if needed, run the sync server in the foreground (ARGS such as --server.port=7701)
echo   edge [ARGS]      build if needed, run a local edge (--server URL, --wait, --help)
echo   desk [ARGS]      build if needed, run the Desk (--server URL, --theme light^|dark)
echo   test [ARGS]      run the whole test suite: mvnw -B verify ARGS with the JDK below
echo   pair [--user NAME] [--as USERNAME]
echo                    a one-time code (XXXX-XXXX, 5 minutes) that pairs a Desk with this server
echo   mcp-bridge --server URL --workspace ID
echo                    the MCP stdio bridge MCP clients start (the Desk configures them; token from the keychain)
echo   help             this text
echo.
echo Environment: OCTVEX_HOME (default %%USERPROFILE%%\.octvex), OCTVEX_PORT (7700), OCTVEX_BIND (127.0.0.1),
echo OCTVEX_DATABASE_URL/_USER/_PASSWORD (external PostgreSQL), OCTVEX_ADMIN_PASSWORD, OCTVEX_LOG_FORMAT=json.
echo JAVA_HOME is used when it is a JDK %MIN_JAVA%+; otherwise octvex searches PATH and the usual JDK folders.
exit /b 0
