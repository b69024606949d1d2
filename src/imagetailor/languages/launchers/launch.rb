# tailor's Ruby launcher (deploy has no shell and no bundle command): loads the bundle, expands
# $NAME, ${NAME} and ${NAME:-default} in the arguments from the environment, then runs the first
# argument as `bundle exec` would: a file of the app (bin/rails, app.rb) is loaded as the main
# program, anything else is an executable of a gem in the bundle (puma, rackup).
# Every statement ends with its own semicolon: ruby.py joins the lines into one -e program.
require "bundler/setup";
args = ARGV.map { |w| w.gsub(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/) { v = ENV[$1 || $3].to_s; v.empty? ? $2.to_s : v } };
exe = args.shift.to_s;
ARGV.replace(args);
if File.file?(exe) then
  $0 = exe; load File.expand_path(exe);
else
  spec = Gem.loaded_specs.values.find { |s| s.executables.include?(exe) };
  abort("tailor: #{exe} is neither a file of the app nor an executable of a gem in the bundle") if spec.nil?;
  $0 = exe; load spec.bin_file(exe);
end;
