@echo off
rem The iocp4j command on Windows (demo, bench and diagnose), as scripts/iocp4j on Linux and macOS: runs
rem tools\target\iocp4j-tools-<version>.jar, the self-contained jar, with java -jar in the caller's
rem folder (so a relative --report lands there), passes the arguments through and exits with java's
rem status. Builds the jar when it is missing: the library into the local Maven repository, then tools\.
rem Unlike scripts/iocp4j it does not rebuild when sources change: run the two mvn commands below for that.
setlocal
set "IOCP4J_ROOT=%~dp0.."
call :find_jar
if not defined IOCP4J_JAR (
    echo building iocp4j ^(mvn install -DskipTests^) and iocp4j-tools ^(mvn -f tools\pom.xml package^) ... 1>&2
    pushd "%IOCP4J_ROOT%"
    rem "if errorlevel" rather than "||", which Wine's cmd takes as failed after any call.
    call mvn -B -q -DskipTests -Dstyle.color=never install 1>&2
    if errorlevel 1 goto :build_failed
    call mvn -B -q -DskipTests -Dstyle.color=never -f tools\pom.xml package 1>&2
    if errorlevel 1 goto :build_failed
    popd
    call :find_jar
)
if not defined IOCP4J_JAR (
    echo iocp4j: the build made no tools\target\iocp4j-tools-*.jar 1>&2
    exit /b 1
)
rem The jar's manifest carries Enable-Native-Access (JDK 24+ would warn about JNI without it).
java -jar "%IOCP4J_JAR%" %*
exit /b %ERRORLEVEL%

:find_jar
set "IOCP4J_JAR="
if not exist "%IOCP4J_ROOT%\tools\target\" exit /b 0
rem From inside the folder, so the pattern needs no quotes however many spaces the path has.
pushd "%IOCP4J_ROOT%\tools\target"
for %%J in (iocp4j-tools-*.jar) do if not defined IOCP4J_JAR set "IOCP4J_JAR=%%~fJ"
popd
exit /b 0

:build_failed
popd
echo iocp4j: the build failed 1>&2
exit /b 1
