# The shop's database tasks, as `rails db:migrate` and the app run them, without the
# rest of Rails: ActiveRecord on the database DATABASE_URL names (`pgprod run` sets it),
# migrations from db/migrate, the environment from RAILS_ENV.
#
#   ruby app.rb migrate   apply the pending migrations (and record RAILS_ENV)
#   ruby app.rb check     fail with ActiveRecord::PendingMigrationError if any is pending
#   ruby app.rb write     write through the models; print what the app sees
require "active_record"

Dir.chdir(__dir__)
ActiveRecord::Base.establish_connection(ENV.fetch("DATABASE_URL"))

class Product < ActiveRecord::Base
  has_many :orders
end

class Order < ActiveRecord::Base
  belongs_to :product
end

context = ActiveRecord::Base.connection.migration_context
case ARGV.first
when "migrate"
  context.migrate
when "check"
  ActiveRecord::Migration.check_pending!
  puts context.current_version, context.last_stored_environment
when "write"
  product = Product.create!(name: "big", stock: 2**40, sku: "b-1")
  product.orders.create!(quantity: 3)
  puts [Product.count, Product.where(sku: "unset").count, Order.count].join(" ")
else
  abort "usage: ruby app.rb migrate|check|write"
end
