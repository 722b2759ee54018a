class AddSkuAndOrders < ActiveRecord::Migration[6.1]
  def change
    # a default in the database: prod's existing rows get it
    add_column :products, :sku, :string, null: false, default: "unset"
    add_index :products, :sku
    change_column :products, :stock, :bigint
    create_table :orders do |t|
      t.references :product, null: false, foreign_key: true
      t.integer :quantity, null: false
      t.datetime :created_at, null: false, default: -> { "CURRENT_TIMESTAMP" }
    end
  end
end
