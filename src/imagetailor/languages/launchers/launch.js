/* tailor_launch: expands $NAME, ${NAME} and ${NAME:-default} in the arguments from the
   environment (deploy has no shell), then runs the script as the main module, exactly as
   `node script args` would (require.main === module holds; ES modules load too). */
const args = process.argv.slice(1).map((word) => word.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g,
  (match, braced, fallback, bare) => process.env[braced || bare] || fallback || ''));
process.argv = [process.argv[0], require('path').resolve(args[0]), ...args.slice(1)];
require('module').runMain();
